using System.Text.Json;
using Gatehouse.Scanner.Advisories.Matching;
using Gatehouse.Scanner.Advisories.Osv;
using Gatehouse.Testing;

namespace Gatehouse.Scanner.Advisories.Tests;

// Builders for OSV records written for a test, and access to the shared OSV conformance data.
internal static class TestRecords
{
    public static string RecordsDirectory => RepoPaths.TestData("osv", "records");

    public static string LinterNegativeDirectory => RepoPaths.TestData("osv", "linter-negative");

    public static OsvRecord Load(string file) =>
        OsvReader.ReadFile(Path.Combine(RecordsDirectory, file)).Record ?? throw new InvalidOperationException($"{file} is unreadable");

    public static OsvEvent Introduced(string version) => new() { Introduced = version };

    public static OsvEvent Fixed(string version) => new() { Fixed = version };

    public static OsvEvent LastAffected(string version) => new() { LastAffected = version };

    public static OsvEvent Limit(string version) => new() { Limit = version };

    public static OsvAffected Affected(string ecosystem, string name, params OsvEvent[] events) => new()
    {
        Package = new OsvPackage { Ecosystem = ecosystem, Name = name },
        Ranges = [new OsvRange { Type = "ECOSYSTEM", Events = events }],
    };

    public static OsvRecord Record(string id, params OsvAffected[] affected) => new()
    {
        Id = id,
        Modified = "2024-01-01T00:00:00Z",
        Affected = affected,
    };

    public static byte[] Json(OsvRecord record) => JsonSerializer.SerializeToUtf8Bytes(record, OsvJsonContext.Default.OsvRecord);

    public static AdvisoryMatcher Matcher(params OsvRecord[] records) => new(AdvisorySnapshot.Create(records, "test-data-version"));

    public static PackageQuery Package(string ecosystem, string name, string version, string? sourceName = null, string? sourceVersion = null) => new()
    {
        Ecosystem = ecosystem,
        Name = name,
        Version = version,
        SourceName = sourceName,
        SourceVersion = sourceVersion,
    };

    // A scratch folder under the system temp directory, deleted on dispose.
    public sealed class TempDirectory : IDisposable
    {
        public TempDirectory()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "gatehouse-advisories-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose()
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
    }
}
