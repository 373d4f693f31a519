namespace Gatehouse.Scanner.Versioning.Tests;

public class TsvCoverageTests
{
    // Every file the suites above read; a new upstream file must get a test before this passes.
    private static readonly string[] CoveredFiles =
    [
        "apk-fuzzy.tsv", "apk-validity.tsv", "apk.tsv",
        "dpkg-invalid.tsv", "dpkg-lenient.tsv", "dpkg.tsv",
        "maven.tsv",
        "pep440-invalid.tsv", "pep440-normalization.tsv", "pep440.tsv",
        "rpm.tsv",
        "semver-loose-v-prefix.tsv", "semver.tsv",
    ];

    [Fact]
    public void Every_versions_tsv_has_a_test()
    {
        string[] present = Directory.GetFiles(TestData.VersionsDirectory, "*.tsv").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
        Assert.Equal(CoveredFiles.Order(StringComparer.Ordinal), present);
    }
}
