using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Gatehouse.Scanner.Advisories.Matching;
using Gatehouse.Scanner.Advisories.Osv;
using Gatehouse.Scanner.CycloneDx;
using Gatehouse.Scanner.Inventory;
using Gatehouse.Scanner.Sources;
using Gatehouse.Scanner.Vulnerabilities;

namespace Gatehouse.Bench;

/// <summary>
/// Matches the packages of the cached Debian 12 image (scanned as the service does) against 114,400 synthetic
/// advisories shaped like OSV's (every real source package of the image has 40 Debian:12 records around its installed
/// version: backports, later fixes, open issues; plus other distros and language ecosystems). Times the whole
/// evaluation of one SBOM (packages → queries → match → report), cold (first, compiling the candidate ranges it
/// touches) and warm (median of <see cref="Runs"/>). Goal: under 50 ms.
/// </summary>
public static class MatchBenchmark
{
    private const int Runs = 20;

    public static async Task<int> RunAsync(string[] args)
    {
        var bom = await DebianBom.LoadAsync();
        if (bom is null)
        {
            return 2;
        }
        var (packages, _) = SbomPackages.Read(bom);
        var sources = packages.Select(p => (p.Query.SourceName ?? p.Query.Name, p.Query.SourceVersion ?? p.Query.Version)).Distinct().ToList();
        Console.WriteLine($"image   {packages.Count} packages from {sources.Count} source packages");

        var clock = Stopwatch.StartNew();
        var records = SyntheticAdvisories.Generate(sources).Select(SyntheticAdvisories.Parse).ToList();
        Console.WriteLine($"data    {records.Count} advisories generated and parsed in {clock.Elapsed.TotalMilliseconds:F0} ms");
        clock.Restart();
        var snapshot = AdvisorySnapshot.Create(records, "bench");
        Console.WriteLine($"index   snapshot of {snapshot.RecordCount} records, {snapshot.PackageCount} packages in {clock.Elapsed.TotalMilliseconds:F0} ms");

        VulnerabilityReport Once() => VulnerabilityEvaluator.Evaluate(new EvaluationInput(bom, null, snapshot, [], "bench", DateTimeOffset.UnixEpoch));
        clock.Restart();
        var report = Once();
        var cold = clock.Elapsed.TotalMilliseconds;
        var times = new List<double>();
        for (var i = 0; i < Runs; i++)
        {
            clock.Restart();
            Once();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        var warm = times.Order().ElementAt(times.Count / 2);
        var s = report.Summary;
        Console.WriteLine($"report  {report.Findings.Count} findings (critical {s.Critical}, high {s.High}, medium {s.Medium}, low {s.Low}, not evaluated {s.NotEvaluated})");
        Console.WriteLine($"match   cold {cold:F1} ms, warm median {warm:F2} ms over {Runs} runs (goal < 50 ms)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT match ms={warm:F2} cold_ms={cold:F1} advisories={records.Count} packages={packages.Count} findings={report.Findings.Count}"));
        return 0;
    }
}

/// <summary>The cached Debian 12 test image's SBOM, scanned as the service does.</summary>
internal static class DebianBom
{
    public static async Task<Bom?> LoadAsync()
    {
        var images = Environment.GetEnvironmentVariable("GATEHOUSE_TEST_IMAGES");
        if (string.IsNullOrEmpty(images))
        {
            images = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "gatehouse", "images", "v2");
        }
        var layout = Path.Combine(images, "debian12");
        if (!File.Exists(Path.Combine(layout, "index.json")))
        {
            await Console.Error.WriteLineAsync($"no Debian image at {layout}: run scripts/build-test-images.sh (or set GATEHOUSE_TEST_IMAGES)");
            return null;
        }
        var result = await new ImageInventoryScanner(new ImageSourceOpener()).ScanAsync($"oci:{layout}:12");
        return CycloneDxSbomBuilder.Build(result, "bench", SbomStamp.New(TimeProvider.System));
    }
}

/// <summary>
/// Realistic synthetic OSV records, deterministic (seeded). For each given (source, installed version): 70% fixed at
/// or below the installed version (backports, the common case in Debian's tracker), 20% fixed above it, 10% open;
/// then many other Debian:12 source packages, other releases and distros, and language ecosystems with SEMVER ranges.
/// </summary>
public static class SyntheticAdvisories
{
    private static readonly string[] Vectors =
    [
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N",
        "CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:L/I:N/A:N",
        "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H",
    ];

    /// <summary>(ecosystem, count) of the bulk records, after the image's own.</summary>
    private static readonly (string Ecosystem, int Count, bool Semver)[] Bulk =
    [
        ("Debian:12", 30_000, false), ("Debian:11", 10_000, false), ("Ubuntu:22.04", 10_000, false), ("Alpine:v3.19", 8_000, false),
        ("npm", 25_000, true), ("PyPI", 12_000, false), ("Maven", 8_000, false), ("Go", 5_000, true), ("crates.io", 2_000, true), ("NuGet", 2_000, false),
    ];

    public const int PerImageSource = 40;

    /// <summary>JSON text of every record; each of <paramref name="sources"/> gets <paramref name="perSource"/> Debian:12 records.</summary>
    public static IEnumerable<string> Generate(IReadOnlyList<(string Source, string Version)> sources, int perSource = PerImageSource, int bulkScale = 1)
    {
        var random = new Random(42);
        var serial = 0;
        foreach (var (source, version) in sources)
        {
            for (var i = 0; i < perSource; i++)
            {
                var roll = random.NextDouble();
                var fix = roll < 0.7 ? Lower(version) : roll < 0.9 ? Higher(version) : null;
                yield return Record(++serial, "Debian:12", source, "0", fix, random);
            }
        }
        foreach (var (ecosystem, count, semver) in Bulk)
        {
            for (var i = 0; i < count / bulkScale; i++)
            {
                var name = ecosystem switch
                {
                    "Maven" => $"org.example{i % 500}:artifact-{i}",
                    "Go" => $"github.com/example{i % 700}/module{i}",
                    _ => $"package-{i % (count / 2)}",
                };
                var major = random.Next(0, 12);
                var introduced = semver ? $"{major}.0.0" : "0";
                var fix = $"{major}.{random.Next(0, 20)}.{random.Next(0, 30)}" + (ecosystem.StartsWith("Debian", StringComparison.Ordinal) || ecosystem.StartsWith("Ubuntu", StringComparison.Ordinal) ? "-1" : ecosystem.StartsWith("Alpine", StringComparison.Ordinal) ? "-r0" : "");
                yield return Record(++serial, ecosystem, name, introduced, random.NextDouble() < 0.9 ? fix : null, random);
            }
        }
    }

    public static OsvRecord Parse(string json) =>
        OsvReader.Read(System.Text.Encoding.UTF8.GetBytes(json), "synthetic").Record ?? throw new InvalidOperationException("generated an unreadable record");

    public static string Record(int serial, string ecosystem, string package, string introduced, string? fixedIn, Random random)
    {
        var events = new JsonArray(new JsonObject { ["introduced"] = introduced });
        if (fixedIn is not null)
        {
            events.Add(new JsonObject { ["fixed"] = fixedIn });
        }
        var year = 2015 + (serial % 10);
        var cve = $"CVE-{year}-{10000 + serial}";
        var distro = ecosystem.StartsWith("Debian", StringComparison.Ordinal);
        var semver = !distro && !ecosystem.Contains(':', StringComparison.Ordinal) && ecosystem is "npm" or "Go" or "crates.io";
        var record = new JsonObject
        {
            ["schema_version"] = "1.6.0",
            ["id"] = distro ? $"DEBIAN-{cve}" : ecosystem.Contains(':', StringComparison.Ordinal) ? $"{ecosystem.Split(':')[0].ToUpperInvariant()}-{cve}" : $"GHSA-{serial:x4}-bnch-{year:x4}",
            ["modified"] = $"{year}-06-01T00:00:00Z",
            ["published"] = $"{year}-05-01T00:00:00Z",
            ["aliases"] = new JsonArray(JsonValue.Create(cve)),
            ["summary"] = $"Synthetic issue {serial} in {package}",
            ["details"] = "A synthetic advisory generated for benchmarking; the text is about as long as a typical record's details.",
            ["severity"] = new JsonArray(new JsonObject { ["type"] = "CVSS_V3", ["score"] = Vectors[random.Next(Vectors.Length)] }),
            ["affected"] = new JsonArray(new JsonObject
            {
                ["package"] = new JsonObject { ["ecosystem"] = ecosystem, ["name"] = package },
                ["ranges"] = new JsonArray(new JsonObject { ["type"] = semver ? "SEMVER" : "ECOSYSTEM", ["events"] = events }),
            }),
            ["references"] = new JsonArray(new JsonObject { ["type"] = "ADVISORY", ["url"] = $"https://security.example/{cve}" }),
        };
        return record.ToJsonString();
    }

    /// <summary>A valid version of the same scheme below <paramref name="version"/> (the upstream part with revision 0).</summary>
    private static string Lower(string version)
    {
        var dash = version.LastIndexOf('-');
        return dash > 0 ? version[..dash] + "-0" : version + "~0";
    }

    private static string Higher(string version) => version + ".1";
}
