namespace Gatehouse.Scanner.Versioning.Tests;

// Antisymmetry and transitivity over every distinct valid version of each conformance file,
// checked on the parsed path and on the string path (which must agree).
public class OrderingPropertyTests
{
    public static TheoryData<string, string> Files => new()
    {
        { "dpkg.tsv", "dpkg-tool" },
        { "dpkg-lenient.tsv", "dpkg-lenient" },
        { "apk.tsv", "apk" },
        { "rpm.tsv", "rpm" },
        { "semver.tsv", "semver" },
        { "semver-loose-v-prefix.tsv", "semver-loose" },
        { "pep440.tsv", "pep440" },
        { "maven.tsv", "maven" },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Ordering_is_antisymmetric_and_transitive(string fileName, string schemeKey)
    {
        IVersionScheme scheme = SchemeFor(schemeKey);
        var versions = new List<IComparableVersion>();
        foreach (string text in TestData.DistinctVersions(fileName))
        {
            // Files may contain strings the scheme rejects (apk.tsv's "23_foo"); properties hold over valid ones.
            if (scheme.TryParse(text, out IComparableVersion? version, out _))
            {
                versions.Add(version);
            }
        }

        Assert.True(versions.Count >= 10, $"{fileName}: only {versions.Count} valid versions");
        int n = versions.Count;
        int[,] sign = new int[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                sign[i, j] = Math.Sign(versions[i].CompareTo(versions[j]));
                Assert.True(scheme.TryCompare(versions[i].Text, versions[j].Text, out int viaText, out string? error), error);
                Assert.True(viaText == sign[i, j], $"{versions[i].Text} vs {versions[j].Text}: parsed {sign[i, j]}, text {viaText}");
            }
        }

        for (int i = 0; i < n; i++)
        {
            Assert.True(sign[i, i] == 0, $"{versions[i].Text} is not equal to itself");
            for (int j = 0; j < n; j++)
            {
                Assert.True(sign[i, j] == -sign[j, i], $"antisymmetry: {versions[i].Text} vs {versions[j].Text}");
                if (sign[i, j] > 0)
                {
                    continue;
                }

                // i == j == k implies i == k; i <= j <= k with one strict step implies i < k.
                for (int k = 0; k < n; k++)
                {
                    int implied = sign[i, j] < 0 || sign[j, k] < 0 ? -1 : 0;
                    if (sign[j, k] <= 0 && sign[i, k] != implied)
                    {
                        Assert.Fail($"transitivity: {versions[i].Text} {Op(sign[i, j])} {versions[j].Text} {Op(sign[j, k])} {versions[k].Text} but {Op(sign[i, k])} between first and last");
                    }
                }
            }
        }
    }

    private static string Op(int sign) => sign < 0 ? "<" : sign > 0 ? ">" : "==";

    private static IVersionScheme SchemeFor(string key) => key switch
    {
        "dpkg-tool" => DpkgVersionScheme.DpkgTool,
        "dpkg-lenient" => DpkgVersionScheme.Lenient,
        _ => VersionSchemes.BuiltIn.TryGet(key, out IVersionScheme? scheme) ? scheme : throw new ArgumentException(key),
    };
}
