namespace Gatehouse.Sigstore.Tests;

/// <summary>One row of sigstore-conformance/cases.tsv with its paths resolved.</summary>
public sealed record ConformanceCase(
    string Name,
    bool ExpectPass,
    string BundlePath,
    string ArtifactPath,
    string TrustedRootPath,
    string? KeyPath,
    string? Identity,
    string? Issuer)
{
    public override string ToString() => Name;
}

/// <summary>
/// Locates the shared, read-only conformance data: walk up from the test assembly to the directory holding
/// Platform.sln, then ../shared/testdata. The data is never copied into the repository.
/// </summary>
public static class ConformanceData
{
    private static readonly Lazy<string> TestDataRoot = new(FindTestData);
    private static readonly Lazy<Dictionary<string, ConformanceCase>> Cases = new(LoadCases);

    public static string Root => TestDataRoot.Value;

    public static string ConformanceDirectory => Path.Combine(Root, "sigstore-conformance");

    public static string CaseDirectory(string name) => Path.Combine(ConformanceDirectory, "bundle-verify", name);

    public static string PublicGoodTrustedRoot => Path.Combine(ConformanceDirectory, "trusted-roots", "public-good-trusted_root.json");

    public static IReadOnlyCollection<ConformanceCase> All => Cases.Value.Values;

    public static ConformanceCase Get(string name) => Cases.Value[name];

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in Cases.Value.Keys.Order(StringComparer.Ordinal))
        {
            data.Add(name);
        }

        return data;
    }

    private static string FindTestData()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Platform.sln")))
            {
                var testData = Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "testdata"));
                return Directory.Exists(testData)
                    ? testData
                    : throw new DirectoryNotFoundException($"Shared test data not found at {testData}");
            }
        }

        throw new DirectoryNotFoundException("Platform.sln not found above the test assembly");
    }

    private static Dictionary<string, ConformanceCase> LoadCases()
    {
        var lines = File.ReadAllLines(Path.Combine(ConformanceDirectory, "cases.tsv"));
        var header = lines[0].Split('\t');
        int Column(string name) => Array.IndexOf(header, name) is var index and >= 0
            ? index
            : throw new InvalidDataException($"cases.tsv has no {name} column");

        var (name, expected, artifact, root, key, identity, issuer) = (Column("case"), Column("expected"), Column("artifact"),
            Column("trusted_root"), Column("key"), Column("identity"), Column("issuer"));
        var cases = new Dictionary<string, ConformanceCase>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var cells = line.Split('\t');
            var directory = CaseDirectory(cells[name]);
            cases[cells[name]] = new ConformanceCase(
                cells[name],
                cells[expected] switch
                {
                    "pass" => true,
                    "fail" => false,
                    _ => throw new InvalidDataException($"bad expected value in {line}"),
                },
                Path.Combine(directory, "bundle.sigstore.json"),
                Path.GetFullPath(Path.Combine(directory, cells[artifact])),
                cells[root] == "PUBLIC-GOOD" ? PublicGoodTrustedRoot : Path.Combine(directory, cells[root]),
                cells[key].Length > 0 ? Path.Combine(directory, cells[key]) : null,
                cells[identity].Length > 0 ? cells[identity] : null,
                cells[issuer].Length > 0 ? cells[issuer] : null);
        }

        return cases;
    }
}
