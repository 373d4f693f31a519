using Gatehouse.Scanner.Advisories.Ecosystems;
using Gatehouse.Scanner.Advisories.Matching;
using Gatehouse.Scanner.Advisories.Osv;

namespace Gatehouse.Scanner.Advisories.Tests;

// For every shared OSV record: versions derived from the record's own events (each bound and its
// nearest neighbour) are matched against a snapshot holding only that record, and the verdict
// must equal the interval oracle in VersionProbes: introduced itself inside, fixed itself outside
// (unless another range covers it), just below fixed inside, just below introduced outside.
public sealed class RecordMatchingTests
{
    public static TheoryData<string> RecordFiles() =>
        [.. Directory.EnumerateFiles(TestRecords.RecordsDirectory, "*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(RecordFiles))]
    public void Versions_inside_and_outside_each_range_match_as_the_record_says(string file)
    {
        OsvRecord record = TestRecords.Load(file);
        AdvisoryMatcher matcher = TestRecords.Matcher(record);
        var packages = (record.Affected ?? [])
            .Where(a => a.Package is { Ecosystem: not null, Name: not null })
            .GroupBy(a => EcosystemRegistry.BuiltIn.KeyOf(a.Package!.Ecosystem!, a.Package.Name!))
            .ToList();
        Assert.NotEmpty(packages);

        int inside = 0, outside = 0;
        foreach (var package in packages)
        {
            OsvAffected first = package.First();
            foreach (VersionProbes.Probe probe in VersionProbes.For([.. package]))
            {
                IReadOnlyList<Finding> findings = matcher.Match(TestRecords.Package(first.Package!.Ecosystem!, first.Package.Name!, probe.Version));
                bool matched = findings.Any(f => f.Status == FindingStatus.Affected && f.Records.Contains(record.Id));
                bool expected = probe.Expected && !record.IsWithdrawn;
                Assert.True(expected == matched, $"{record.Id} {package.Key} version {probe.Version} ({probe.Why}): expected {(expected ? "affected" : "not affected")}");
                Assert.DoesNotContain(findings, f => f.Status == FindingStatus.NotEvaluated && f.Records.Contains(record.Id));
                if (probe.Expected)
                {
                    inside++;
                }
                else
                {
                    outside++;
                }
            }
        }

        // Every record yields a version inside; one outside wherever the events bound the range.
        Assert.True(inside > 0, $"{record.Id}: no version inside derived");
        bool bounded = (record.Affected ?? []).Any(a => a.Package is not null
            && ((a.Ranges ?? []).Any(r => r.Type != "GIT" && (r.Events ?? []).Any(e => e.Fixed is not null || e.LastAffected is not null || e.Introduced is not (null or "0")))
                || (a.Ranges ?? []).All(r => r.Type == "GIT") && (a.Versions?.Count ?? 0) > 0));
        if (bounded)
        {
            Assert.True(outside > 0, $"{record.Id}: no version outside derived although its ranges are bounded");
        }
    }

    [Fact]
    public void Hand_checked_bounds_of_real_records()
    {
        // GO-2024-2687 stdlib: [0, 1.21.9) and [1.22.0-0, 1.22.2).
        AdvisoryMatcher go = TestRecords.Matcher(TestRecords.Load("GO-2024-2687.json"));
        Assert.True(Affected(go, "Go", "stdlib", "1.21.8"));
        Assert.False(Affected(go, "Go", "stdlib", "1.21.9"));
        Assert.True(Affected(go, "Go", "stdlib", "1.22.0-rc.1"));
        Assert.True(Affected(go, "Go", "stdlib", "go1.22.1"));
        Assert.False(Affected(go, "Go", "stdlib", "1.22.2"));

        // GHSA-75v8 formidable: [3.1.1-canary.20211030, 3.5.3) and an open [2.1.0, ...): 3.5.3 is
        // still affected through the second entry, which has no fix.
        AdvisoryMatcher npm = TestRecords.Matcher(TestRecords.Load("GHSA-75v8-2h7p-7m2m.json"));
        Finding formidable = Assert.Single(npm.Match(TestRecords.Package("npm", "formidable", "3.5.3")));
        Assert.Equal(FixState.NotFixed, formidable.FixState);
        Assert.False(Affected(npm, "npm", "formidable", "2.0.9"));

        // DSA-3029-1 nginx in Debian 7: fixed in 1.2.1-2.2+wheezy3.
        AdvisoryMatcher dsa = TestRecords.Matcher(TestRecords.Load("DSA-3029-1.json"));
        Finding nginx = Assert.Single(dsa.Match(TestRecords.Package("Debian:7", "nginx", "1.2.1-2.2+wheezy2")));
        Assert.Equal(["1.2.1-2.2+wheezy3"], nginx.FixedVersions);
        Assert.Equal(FixState.Fixed, nginx.FixState);
        Assert.False(Affected(dsa, "Debian:7", "nginx", "1.2.1-2.2+wheezy3"));
        Assert.False(Affected(dsa, "Debian:8", "nginx", "1.2.1-2.2+wheezy2")); // other release: not this record's business
    }

    private static bool Affected(AdvisoryMatcher matcher, string ecosystem, string name, string version) =>
        matcher.Match(TestRecords.Package(ecosystem, name, version)).Any(f => f.Status == FindingStatus.Affected);
}
