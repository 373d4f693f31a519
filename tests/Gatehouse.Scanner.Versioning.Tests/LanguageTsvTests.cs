namespace Gatehouse.Scanner.Versioning.Tests;

// versions/{rpm,semver*,pep440*,maven}.tsv.
public class LanguageTsvTests
{
    public static TheoryData<int, string, string, int> RpmRows => TestData.ComparisonRows("rpm.tsv");

    public static TheoryData<int, string, string, int> SemverRows => TestData.ComparisonRows("semver.tsv");

    public static TheoryData<int, string, string, int> SemverVPrefixRows => TestData.ComparisonRows("semver-loose-v-prefix.tsv");

    public static TheoryData<int, string, string, int> Pep440Rows => TestData.ComparisonRows("pep440.tsv");

    public static TheoryData<int, string, string, int> MavenRows => TestData.ComparisonRows("maven.tsv");

    public static TheoryData<int, string, string> Pep440NormalizationRows
    {
        get
        {
            var data = new TheoryData<int, string, string>();
            foreach (TsvRow row in TestData.ReadVersionsTsv("pep440-normalization.tsv", "input", "normalized"))
            {
                data.Add(row.Line, row.Fields[0], row.Fields[1]);
            }

            return data;
        }
    }

    public static TheoryData<int, string> Pep440InvalidRows
    {
        get
        {
            var data = new TheoryData<int, string>();
            foreach (TsvRow row in TestData.ReadVersionsTsv("pep440-invalid.tsv", "version"))
            {
                data.Add(row.Line, row.Fields[0]);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(RpmRows))]
    public void Rpm_orders_like_rpmvercmp(int line, string a, string b, int expected) =>
        AssertRow(RpmVersionScheme.Default, line, a, b, expected);

    // semver.tsv comes from node-semver's tests; all rows are plain SemVer 2.0, so every dialect
    // must order them identically.
    [Theory]
    [MemberData(nameof(SemverRows))]
    public void Semver_orders_like_node_semver_in_every_dialect(int line, string a, string b, int expected)
    {
        AssertRow(SemverVersionScheme.Node, line, a, b, expected);
        AssertRow(SemverVersionScheme.NodeLoose, line, a, b, expected);
        AssertRow(SemverVersionScheme.Go, line, a, b, expected);
        AssertRow(SemverVersionScheme.Cargo, line, a, b, expected);
    }

    [Theory]
    [MemberData(nameof(SemverVPrefixRows))]
    public void Loose_semver_accepts_a_v_prefix(int line, string a, string b, int expected)
    {
        AssertRow(SemverVersionScheme.NodeLoose, line, a, b, expected);
        AssertRow(SemverVersionScheme.Go, line, a, b, expected);

        // Cargo never accepts a "v".
        Assert.False(SemverVersionScheme.Cargo.TryCompare(a, b, out _, out _), $"line {line}");
    }

    [Theory]
    [MemberData(nameof(Pep440Rows))]
    public void Pep440_orders_like_packaging(int line, string a, string b, int expected) =>
        AssertRow(Pep440VersionScheme.Default, line, a, b, expected);

    [Theory]
    [MemberData(nameof(Pep440NormalizationRows))]
    public void Pep440_normalizes_like_packaging(int line, string input, string normalized)
    {
        Assert.True(Pep440VersionScheme.Default.TryNormalize(input, out string? actual, out string? error), $"line {line}: {error}");
        Assert.Equal(normalized, actual);

        // The canonical form is a fixed point and denotes the same version.
        Assert.True(Pep440VersionScheme.Default.TryNormalize(normalized, out string? again, out error), error);
        Assert.Equal(normalized, again);
        Assert.Equal(0, Pep440VersionScheme.Default.Compare(input, normalized));
    }

    [Theory]
    [MemberData(nameof(Pep440InvalidRows))]
    public void Pep440_rejects_invalid_versions(int line, string version)
    {
        Assert.False(Pep440VersionScheme.Default.TryParse(version, out _, out _), $"line {line}: '{version}' accepted");
        Assert.False(Pep440VersionScheme.Default.TryNormalize(version, out string? normalized, out string? error));
        Assert.Null(normalized);
        Assert.NotNull(error);
    }

    [Theory]
    [MemberData(nameof(MavenRows))]
    public void Maven_orders_like_comparable_version(int line, string a, string b, int expected) =>
        AssertRow(MavenVersionScheme.Default, line, a, b, expected);

    private static void AssertRow(IVersionScheme scheme, int line, string a, string b, int expected)
    {
        Assert.True(scheme.TryCompare(a, b, out int sign, out string? error), $"{scheme.Name} line {line}: {error}");
        Assert.True(expected == sign, $"{scheme.Name} line {line}: compare('{a}', '{b}') = {sign}, expected {expected}");
    }
}
