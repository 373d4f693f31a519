using System.IO.Compression;
using Gatehouse.Scanner.Inventory;
using Gatehouse.Scanner.Sources;
using Gatehouse.Testing;

namespace Gatehouse.Scanner.Tests.Inventory;

/// <summary>
/// Every fixture of ../shared/testdata/inventory/EXPECTED-packages.tsv, scanned with the full built-in cataloger
/// set through the <c>dir:</c> source, yields exactly the listed packages (names and versions). Fixtures that
/// already are a root filesystem (apk/*, dpkg/distroless, dpkg/image-dpkg) are scanned in place; loose metadata
/// files are placed where they live in an image inside a temporary root (outside the repository).
/// </summary>
public sealed class ExpectedPackagesTests
{
    private static readonly string Inventory = RepoPaths.TestData("inventory");

    /// <summary>Rows grouped by unit: the fixture file, or for a jar's extracted folder the whole folder.</summary>
    private static readonly Lazy<Dictionary<string, List<(string Name, string Version)>>> Expected = new(() =>
        File.ReadAllLines(Path.Combine(Inventory, "EXPECTED-packages.tsv"))
            .Skip(1)
            .Where(line => line.Length > 0)
            .Select(line => line.Split('\t'))
            .GroupBy(cols => Unit(cols[0]), StringComparer.Ordinal)
            .ToDictionary(
                g => g.Key,
                // An empty name means the file declares no package of its own.
                g => g.Where(cols => cols[1].Length > 0).Select(cols => (cols[1], cols[2])).ToList(),
                StringComparer.Ordinal));

    public static TheoryData<string> Units() => [.. Expected.Value.Keys.Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Units))]
    public async Task FixtureYieldsExactlyTheExpectedPackages(string unit)
    {
        var expected = Expected.Value[unit].Order().ToList();
        using var root = new StagedRoot(unit);

        var result = await new ImageInventoryScanner(new ImageSourceOpener()).ScanAsync($"dir:{root.Path}");

        var actual = result.Packages.Select(p => (p.Name, p.Version)).Order().ToList();
        Assert.True(expected.SequenceEqual(actual),
            $"{unit}\n  expected: {string.Join(", ", expected)}\n  actual:   {string.Join(", ", actual)}\n  problems: {string.Join("; ", result.Problems.Select(p => p.Message))}");
    }

    private static string Unit(string fixture)
    {
        var parts = fixture.Split('/');
        return parts[0] == "java" && parts[1] == "jar-metadata" ? string.Join('/', parts[..3]) : fixture;
    }

    /// <summary>The root filesystem a unit is scanned as.</summary>
    private sealed class StagedRoot : IDisposable
    {
        private static readonly string[] RootMarkers = ["/var/lib/dpkg/", "/lib/apk/db/"];
        private readonly string? _temporary;

        public StagedRoot(string unit)
        {
            var marker = RootMarkers.Select(m => unit.IndexOf(m, StringComparison.Ordinal)).FirstOrDefault(i => i > 0, -1);
            if (marker > 0)
            {
                Path = System.IO.Path.Combine(Inventory, unit[..marker]);
                return;
            }
            _temporary = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "gatehouse-scanner-tests", Guid.NewGuid().ToString("N"));
            Path = _temporary;
            Stage(unit);
        }

        public string Path { get; }

        public void Dispose()
        {
            if (_temporary is not null)
            {
                Directory.Delete(_temporary, recursive: true);
            }
        }

        private void Stage(string unit)
        {
            var source = System.IO.Path.Combine(Inventory, unit);
            var name = System.IO.Path.GetFileName(unit);
            var stem = name.Split('.')[0];
            var parts = unit.Split('/');
            switch (parts[0], parts[1])
            {
                case ("dpkg", "status.d"):
                    Copy(source, $"var/lib/dpkg/status.d/{name}");
                    break;
                case ("dotnet", _) when name == "packages.lock.json":
                    Copy(source, "src/app/packages.lock.json");
                    break;
                case ("dotnet", _):
                    Copy(source, $"app/{name}");
                    break;
                case ("npm", "pkg-lock"):
                    Copy(source, $"app/{stem}/package-lock.json");
                    break;
                case ("npm", "pkg-json"):
                    Copy(source, $"usr/lib/node_modules/{stem}/package.json");
                    break;
                case ("python", _):
                    // A package's metadata folder with its siblings (RECORD, top_level.txt...), named as pip names it.
                    var folder = parts[1].EndsWith("-dist-info", StringComparison.Ordinal) ? parts[1][..^"-dist-info".Length] + ".dist-info" : parts[1];
                    foreach (var file in Directory.GetFiles(System.IO.Path.GetDirectoryName(source)!))
                    {
                        Copy(file, $"usr/lib/python3/site-packages/{folder}/{System.IO.Path.GetFileName(file)}");
                    }
                    break;
                case ("java", "jar-metadata"):
                    Jar(source, $"app/{parts[2]}.jar", null);
                    break;
                case ("java", _):
                    Jar(source, $"app/{stem}.jar", "META-INF/maven/fixture/fixture/pom.properties");
                    break;
                default:
                    throw new InvalidOperationException($"no staging rule for {unit}");
            }
        }

        private void Copy(string source, string relative)
        {
            var destination = System.IO.Path.Combine(Path, relative);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(destination)!);
            File.Copy(source, destination);
        }

        /// <summary>Zips an extracted jar folder (or one file at <paramref name="entryName"/>) into a jar in the root.</summary>
        private void Jar(string source, string relative, string? entryName)
        {
            var destination = System.IO.Path.Combine(Path, relative);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(destination)!);
            if (entryName is null)
            {
                ZipFile.CreateFromDirectory(source, destination);
                return;
            }
            using var zip = ZipFile.Open(destination, ZipArchiveMode.Create);
            zip.CreateEntryFromFile(source, entryName);
        }
    }
}
