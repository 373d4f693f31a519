using System.Text.Json;
using Gatehouse.Scanner.Inventory;

namespace Gatehouse.Scanner.Catalogers.NuGet;

/// <summary>.NET: <c>*.deps.json</c> (what a published app loads) and NuGet <c>packages.lock.json</c>.
/// Told apart by content: a deps file has <c>targets</c> and <c>libraries</c>.</summary>
public sealed class NuGetCataloger : MetadataFileCataloger
{
    private static readonly JsonDocumentOptions JsonOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    public override string Name => "nuget";

    public override string Version => "1.0.0";

    public override FileInterest Select(FileCandidate file) =>
        file.FileName.EndsWith(".deps.json", StringComparison.Ordinal) || file.FileName.SequenceEqual("packages.lock.json")
            ? FileInterest.Content
            : FileInterest.None;

    protected override IEnumerable<Package> Parse(CatalogContext context, CapturedFile file)
    {
        using var document = JsonDocument.Parse(file.Content, JsonOptions);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("not a JSON object");
        }
        if (root.TryGetProperty("libraries", out _) && root.TryGetProperty("targets", out _))
        {
            return [.. DepsJson.Parse(context, file, root)]; // materialized before the document is disposed
        }
        if (root.TryGetProperty("dependencies", out var frameworks) && frameworks.ValueKind == JsonValueKind.Object)
        {
            return [.. PackagesLockJson.Parse(context, file, frameworks)];
        }
        throw new FormatException("neither a .deps.json (targets, libraries) nor a packages.lock.json (dependencies)");
    }

    internal static Package Create(CatalogContext context, CapturedFile file, string name, string version, IReadOnlyDictionary<string, string> properties) =>
        new()
        {
            Name = name,
            Version = version,
            Type = "nuget",
            Purl = PackageUrl.Create("nuget", null, name, version),
            Location = context.Locate(file),
            Properties = properties,
        };

    internal static IEnumerable<KeyValuePair<string, string>> StringMap(JsonElement element, string property)
    {
        if (element.TryGetProperty(property, out var map) && map.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in map.EnumerateObject())
            {
                if (entry.Value.ValueKind == JsonValueKind.String)
                {
                    yield return new(entry.Name, entry.Value.GetString()!);
                }
            }
        }
    }

    internal static string? GetString(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
