using System.Text;
using Gatehouse.Scanner.Advisories.Osv;
using Gatehouse.Testing;

namespace Gatehouse.Scanner.Advisories.Tests;

public sealed class OsvReadingTests
{
    // records-index.tsv: file, id, ecosystems, range types, withdrawn, schema check, provenance.
    public static TheoryData<string, string, bool, bool> IndexedRecords()
    {
        var data = new TheoryData<string, string, bool, bool>();
        foreach (string line in File.ReadLines(RepoPaths.TestData("osv", "records-index.tsv")).Skip(1))
        {
            string[] cells = line.Split('\t');
            data.Add(cells[0], cells[1], cells[4] == "withdrawn", cells[5] == "valid");
        }

        return data;
    }

    [Fact]
    public void The_index_covers_every_shared_record_file()
    {
        var indexed = IndexedRecords().Select(row => (string)row[0]).ToHashSet(StringComparer.Ordinal);
        var onDisk = Directory.EnumerateFiles(TestRecords.RecordsDirectory, "*.json")
            .Concat(Directory.EnumerateFiles(TestRecords.LinterNegativeDirectory, "*.json"))
            .Select(f => Path.GetRelativePath(RepoPaths.TestData("osv"), f).Replace('\\', '/'))
            .ToHashSet(StringComparer.Ordinal);

        Assert.Equal(29, onDisk.Count);
        Assert.Equal(onDisk.Order(), indexed.Order());
    }

    [Theory]
    [MemberData(nameof(IndexedRecords))]
    public void Every_record_reads_and_strict_schema_failures_are_reported_as_the_index_says(string file, string id, bool withdrawn, bool schemaValid)
    {
        OsvReadResult result = OsvReader.ReadFile(RepoPaths.TestData("osv", file));

        Assert.True(result.IsReadable, result.Error);
        Assert.Equal(id, result.Record!.Id);
        Assert.Equal(withdrawn, result.Record.IsWithdrawn);
        if (schemaValid)
        {
            Assert.Empty(result.SchemaDeviations);
        }
        else
        {
            Assert.NotEmpty(result.SchemaDeviations);
        }
    }

    [Fact]
    public void A_cvss_vector_with_a_trailing_slash_is_a_reported_deviation_but_the_record_is_read()
    {
        OsvReadResult result = OsvReader.ReadFile(Path.Combine(TestRecords.RecordsDirectory, "GHSA-f5pg-7wfw-84q9.json"));

        string deviation = Assert.Single(result.SchemaDeviations);
        Assert.StartsWith("severity[0].score:", deviation, StringComparison.Ordinal);
        Assert.Contains("CVSS_V3", deviation, StringComparison.Ordinal);
        Assert.Equal("github.com/aws/aws-sdk-go", result.Record!.Affected![0].Package!.Name);
    }

    [Fact]
    public void Linter_negative_records_are_read_and_their_defects_reported()
    {
        OsvReadResult noIntroduced = OsvReader.ReadFile(Path.Combine(TestRecords.LinterNegativeDirectory, "nointroduced-CVE-2023-41045.json"));
        Assert.Contains(noIntroduced.SchemaDeviations, d => d.Contains("must contain an introduced event", StringComparison.Ordinal));
        Assert.Contains(noIntroduced.LintWarnings, w => w.Contains("only GIT ranges", StringComparison.Ordinal));

        OsvReadResult nonDistinct = OsvReader.ReadFile(Path.Combine(TestRecords.LinterNegativeDirectory, "nondistinct-CVE-2018-5407.json"));
        Assert.Empty(nonDistinct.SchemaDeviations);
        Assert.Contains(nonDistinct.LintWarnings, w => w.Contains("events not distinct: 'e818b74be2170fbe957a07b0da4401c2b694b3b8'", StringComparison.Ordinal));

        // The valid twin of the non-distinct record has no such warning: the check is specific.
        OsvReadResult distinct = OsvReader.ReadFile(Path.Combine(TestRecords.RecordsDirectory, "CVE-2018-5407.alpine-git.json"));
        Assert.DoesNotContain(distinct.LintWarnings, w => w.Contains("not distinct", StringComparison.Ordinal));

        // A package name that does not exist in its registry ("Gradi0") needs the registry to
        // detect; offline the record reads fine and simply never matches the real package.
        OsvReadResult noPackage = OsvReader.ReadFile(Path.Combine(TestRecords.LinterNegativeDirectory, "nopackage-GHSA-9v2f-6vcg-3hgv.json"));
        Assert.True(noPackage.IsReadable);
        Assert.Empty(TestRecords.Matcher(noPackage.Record!).Match(TestRecords.Package("PyPI", "gradio", "4.36.1")));
    }

    [Theory]
    [InlineData("{not json", "not an OSV JSON object")]
    [InlineData("[]", "not an OSV JSON object")]
    [InlineData("null", "document is JSON null")]
    [InlineData("{\"modified\": \"2024-01-01T00:00:00Z\"}", "record has no id")]
    [InlineData("{\"id\": \"GHSA-x\", \"aliases\": \"CVE-1\"}", "not an OSV JSON object")]
    public void Unreadable_documents_are_reported_with_the_reason(string json, string reason)
    {
        OsvReadResult result = OsvReader.Read(Encoding.UTF8.GetBytes(json), "test.json");

        Assert.False(result.IsReadable);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
        Assert.Equal("test.json", result.Origin);
    }

    [Fact]
    public void Slightly_off_records_are_read_tolerantly()
    {
        const string json = """
            {
              // hand-edited mirror
              "id": "GHSA-test-0000-0000", "modified": "2024-01-01T00:00:00Z",
              "affected": [{"package": {"ecosystem": "npm", "name": "x"},
                            "ranges": [{"type": "SEMVER", "events": [{"introduced": 0}, {"fixed": "1.0.0"},]}]}],
            }
            """;
        OsvReadResult result = OsvReader.Read(Encoding.UTF8.GetBytes("\uFEFF" + json), "tolerant.json");

        Assert.True(result.IsReadable, result.Error);
        Assert.Equal("0", result.Record!.Affected![0].Ranges![0].Events![0].Introduced);
        Assert.Empty(result.SchemaDeviations);
    }

    [Fact]
    public void Modified_timestamps_order_by_instant_not_text()
    {
        Assert.True(OsvTimestamps.Compare("2021-06-10T06:51:37.378319Z", "2021-06-10T06:51:37Z") > 0);
        Assert.True(OsvTimestamps.Compare("2024-01-01T01:00:00+01:00", "2024-01-01T00:30:00Z") < 0);
        Assert.True(OsvTimestamps.Compare(null, "0001-01-01T00:00:00Z") < 0);
        Assert.Equal(0, OsvTimestamps.Compare("2024-01-01T00:00:00Z", "2024-01-01T00:00:00.000Z"));
    }
}
