namespace Gatehouse.Scanner.Versioning.Tests;

public class Pep440MavenGenericEdgeTests
{
    [Theory]
    [InlineData("1.0.dev0", "1.0a0", -1)] // dev release of the final version sorts before its pre-releases
    [InlineData("1.0a0", "1.0b0", -1)]
    [InlineData("1.0b0", "1.0rc0", -1)]
    [InlineData("1.0rc0", "1.0", -1)]
    [InlineData("1.0", "1.0.post0", -1)]
    [InlineData("1.0.post0.dev0", "1.0.post0", -1)]
    [InlineData("1.0.dev1", "1.0.post1.dev1", -1)]
    [InlineData("1.0a1.dev1", "1.0a1", -1)]
    [InlineData("1.0+local", "1.0", 1)]
    [InlineData("1.0+abc", "1.0+1", -1)] // numeric local segments beat alphanumeric ones
    [InlineData("1.0+1.2", "1.0+1", 1)]
    [InlineData("1.0+1", "1.0+01", 0)]
    [InlineData("1!0.1", "2.0", 1)] // epoch
    [InlineData("1.0", "1.0.0", 0)]
    [InlineData("1.0rc1", "1.0c1", 0)]
    [InlineData("1.0-1", "1.0.post1", 0)]
    [InlineData(" V1.0\n", "1.0", 0)]
    [InlineData("1.18446744073709551616", "1.18446744073709551615", 1)]
    public void Pep440_orders(string a, string b, int expected) => OrderingAssert.Compares(Pep440VersionScheme.Default, a, b, expected);

    [Theory]
    [InlineData("1!1.0-POST-1", "1!1.0.post1")]
    [InlineData("1.0.0+Ubuntu-1", "1.0.0+ubuntu.1")]
    [InlineData("\u30001.0a", "1.0a0")] // Python's \s includes Unicode spaces
    [InlineData("1.0.0007", "1.0.7")]
    public void Pep440_normalizes(string input, string expected)
    {
        Assert.True(Pep440VersionScheme.Default.TryNormalize(input, out string? normalized, out string? error), error);
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData("1.0+")]
    [InlineData("+1.0")]
    [InlineData("1.0a1b1")]
    [InlineData("1.0+a_")]
    [InlineData("1.0 rc1")]
    [InlineData("1.0\uff0babc")] // full-width plus
    public void Pep440_rejects(string text) => OrderingAssert.Rejects(Pep440VersionScheme.Default, text, "1.0");

    [Theory]
    [InlineData("1.0-SNAPSHOT", "1.0", -1)]
    [InlineData("1.0-sp1", "1.0", 1)]
    [InlineData("1.0.RC1", "1.0-RC2", -1)] // MNG-7644
    [InlineData("1.0-alpha-1", "1.0-alpha-2", -1)]
    [InlineData("1.0-a1", "1.0-alpha-1", 0)]
    [InlineData("1.0-rc1", "1.0-cr1", 0)]
    [InlineData("1.0-ga", "1.0", 0)]
    [InlineData("1-ga1", "1", 1)] // a release qualifier leaves the number to decide
    [InlineData("1-foo", "1", 1)] // unknown qualifiers sort after the release...
    [InlineData("1-foo", "1-sp", 1)] // ...and after every known one
    [InlineData("1-abc", "1-abd", -1)]
    [InlineData("1.0.0", "1", 0)]
    [InlineData("1.999999999", "1.1000000000", -1)] // int item < long item
    [InlineData("1.123456789012345678901", "1.123456789012345678900", 1)] // BigInteger items
    public void Maven_orders(string a, string b, int expected) => OrderingAssert.Compares(MavenVersionScheme.Default, a, b, expected);

    [Fact]
    public void Maven_rejects_what_ComparableVersion_throws_on()
    {
        OrderingAssert.Rejects(MavenVersionScheme.Default, new string('1', 257), "1.0");
        Assert.True(MavenVersionScheme.Default.TryParse(new string('1', 256), out _, out string? error), error);

        // A supplementary character after a digit run makes Maven parse a lone surrogate as a number.
        Assert.False(MavenVersionScheme.Default.TryParse("1.\U0001D7E4", out _, out error));
        Assert.Contains("\\ud835", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.0", "1.0.0", 0)]
    [InlineData("1.0-beta", "1.0", -1)] // letters where the other has nothing read as pre-release
    [InlineData("1.0.1", "1.0", 1)]
    [InlineData("1.10", "1.9", 1)]
    [InlineData("1.0RC1", "1.0rc1", 0)]
    [InlineData("2024.01.05", "2024.1.5", 0)]
    [InlineData("1.18446744073709551616", "1.18446744073709551615", 1)]
    public void Generic_orders(string a, string b, int expected) => OrderingAssert.Compares(GenericVersionScheme.Default, a, b, expected);

    [Theory]
    [InlineData("1.0 beta")]
    [InlineData("...")]
    [InlineData("1.0\u00a0")]
    public void Generic_rejects(string text) => OrderingAssert.Rejects(GenericVersionScheme.Default, text, "1.0");
}
