namespace Gatehouse.Scanner.Versioning.Tests;

// One data row of a conformance TSV, with its 1-based line number for failure messages.
public sealed record TsvRow(int Line, string[] Fields);

// Reads the shared conformance data in place (never copied into the repository): the directory
// containing Platform.sln, then ../shared/testdata.
internal static class TestData
{
    private static readonly Lazy<string> Root = new(LocateRoot);

    public static string VersionsDirectory => Path.Combine(Root.Value, "versions");

    public static string PathOf(string relative) => Path.Combine(Root.Value, relative);

    public static IReadOnlyList<TsvRow> ReadVersionsTsv(string fileName, params string[] header) =>
        ReadTsv(Path.Combine(VersionsDirectory, fileName), header);

    public static IReadOnlyList<TsvRow> ReadTsv(string path, params string[] header)
    {
        string[] lines = File.ReadAllText(path).Split('\n');
        string[] actualHeader = lines[0].TrimEnd('\r').Split('\t');
        if (header.Length > 0 && !actualHeader.SequenceEqual(header))
        {
            throw new InvalidDataException($"{path}: header is '{string.Join("|", actualHeader)}', expected '{string.Join("|", header)}'");
        }

        var rows = new List<TsvRow>();
        for (int i = 1; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            string[] fields = line.Split('\t');
            if (header.Length > 0 && fields.Length != header.Length)
            {
                throw new InvalidDataException($"{path}:{i + 1}: {fields.Length} fields, expected {header.Length}");
            }

            rows.Add(new TsvRow(i + 1, fields));
        }

        return rows;
    }

    // Rows of an "a<TAB>b<TAB>expected" file as theory data: line, a, b, expected sign.
    public static TheoryData<int, string, string, int> ComparisonRows(string fileName)
    {
        var data = new TheoryData<int, string, string, int>();
        foreach (TsvRow row in ReadVersionsTsv(fileName, "a", "b", "expected"))
        {
            data.Add(row.Line, row.Fields[0], row.Fields[1], int.Parse(row.Fields[2], System.Globalization.CultureInfo.InvariantCulture));
        }

        return data;
    }

    public static IReadOnlyList<string> DistinctVersions(string fileName) =>
        ReadVersionsTsv(fileName, "a", "b", "expected").SelectMany(r => new[] { r.Fields[0], r.Fields[1] }).Distinct(StringComparer.Ordinal).ToList();

    private static string LocateRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Platform.sln")))
            {
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "testdata"));
            }
        }

        throw new InvalidOperationException($"no Platform.sln above {AppContext.BaseDirectory}");
    }
}
