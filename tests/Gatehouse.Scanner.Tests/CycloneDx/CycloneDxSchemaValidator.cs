using System.Text.Json;
using Gatehouse.Testing;
using Json.Schema;

namespace Gatehouse.Scanner.Tests.CycloneDx;

/// <summary>
/// Validates CycloneDX JSON against the official 1.6 schema in ../shared/testdata/cyclonedx/schema.
/// Lives in the test project: the service must not read ../shared at run time and the schema is not
/// copied into the repository. The bom schema $refs spdx.schema.json and jsf-0.82.schema.json by
/// relative URI, so both are built first into the same registry under their $id. Loaded once.
/// </summary>
internal sealed class CycloneDxSchemaValidator
{
    private static readonly Lazy<CycloneDxSchemaValidator> Shared = new(() => new CycloneDxSchemaValidator());

    private readonly JsonSchema _schema;

    private readonly EvaluationOptions _evaluation = new()
    {
        OutputFormat = OutputFormat.List,
        // Draft-07 treats "format" as an annotation; CycloneDX's own tooling asserts it (date-time etc.).
        RequireFormatValidation = true,
    };

    private CycloneDxSchemaValidator()
    {
        var directory = RepoPaths.TestData("cyclonedx", "schema");
        var build = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        foreach (var dependency in new[] { "spdx.schema.json", "jsf-0.82.schema.json" })
        {
            build.SchemaRegistry.Register(JsonSchema.FromFile(Path.Combine(directory, dependency), build));
        }
        _schema = JsonSchema.FromFile(Path.Combine(directory, "bom-1.6.schema.json"), build);
    }

    public static CycloneDxSchemaValidator Instance => Shared.Value;

    /// <summary>Empty when valid; otherwise one line per failing location.</summary>
    public IReadOnlyList<string> Validate(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json);
        using var document = JsonDocument.ParseValue(ref reader);
        var result = _schema.Evaluate(document.RootElement, _evaluation);
        if (result.IsValid)
        {
            return [];
        }
        var errors = (result.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"))
            .ToList();
        return errors.Count > 0 ? errors : ["invalid (no detail)"];
    }

    public IReadOnlyList<string> ValidateFile(string path) => Validate(File.ReadAllBytes(path));
}
