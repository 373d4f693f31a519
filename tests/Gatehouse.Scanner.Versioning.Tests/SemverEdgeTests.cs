namespace Gatehouse.Scanner.Versioning.Tests;

public class SemverEdgeTests
{
    [Theory]
    [InlineData("1.0.0+a", "1.0.0+b", 0)] // build metadata is ignored
    [InlineData("1.0.0-alpha", "1.0.0-alpha.1", -1)]
    [InlineData("1.0.0-1", "1.0.0-alpha", -1)] // numeric identifiers before alphanumeric
    [InlineData("1.0.0-alpha.10", "1.0.0-alpha.9", 1)]
    [InlineData("1.0.0-a-b", "1.0.0-a", 1)]
    [InlineData("1.0.0-18446744073709551616", "1.0.0-18446744073709551615", 1)] // exact beyond 64 bits
    [InlineData(" v1.2.3 ", "1.2.3", 0)] // node trims and allows "v" even in strict mode
    [InlineData("9007199254740991.0.0", "1.0.0", 1)] // Number.MAX_SAFE_INTEGER
    public void Node_orders(string a, string b, int expected) => OrderingAssert.Compares(SemverVersionScheme.Node, a, b, expected);

    [Theory]
    [InlineData("1.2")]
    [InlineData("01.0.0")]
    [InlineData("1.0.0-01")]
    [InlineData("9007199254740992.0.0")]
    [InlineData("=1.0.0")]
    [InlineData("1.0.0-")]
    [InlineData("1.0.0+")]
    [InlineData("1.0.0-a..b")]
    [InlineData("V1.0.0")]
    public void Node_rejects(string text) => OrderingAssert.Rejects(SemverVersionScheme.Node, text, "1.0.0");

    [Fact]
    public void Node_rejects_more_than_256_characters()
    {
        string longest = "1.0.0-" + new string('a', 250);
        Assert.True(SemverVersionScheme.Node.TryParse(longest, out _, out string? error), error);
        OrderingAssert.Rejects(SemverVersionScheme.Node, longest + "a", "1.0.0");
    }

    [Theory]
    [InlineData("=1.2.3", "1.2.3", 0)]
    [InlineData(" = v 1.2.3", "1.2.3", 0)]
    [InlineData("01.02.03", "1.2.3", 0)] // leading zeros allowed
    [InlineData("1.2.3beta", "1.2.3", -1)] // pre-release without '-'
    [InlineData("1.2.3beta", "1.2.3-beta", 0)]
    [InlineData("1.0.0-01", "1.0.0-1", 0)] // numeric identifiers are numbers
    [InlineData("1.2.34.5", "1.2.3-4.5", 0)] // node's regex backtracks into this split
    public void Node_loose_orders(string a, string b, int expected) => OrderingAssert.Compares(SemverVersionScheme.NodeLoose, a, b, expected);

    [Theory]
    [InlineData("v1", "v1.0.0", 0)] // Go shorthands
    [InlineData("v1.2", "1.2.0", 0)]
    [InlineData("v2.0.0+incompatible", "v2.0.0", 0)]
    [InlineData("v1.0.0-rc.1", "v1.0.0", -1)]
    [InlineData("v0.0.0-20240101000000-abcdef123456", "v0.0.0-20230101000000-abcdef123456", 1)] // pseudo-versions
    [InlineData("v18446744073709551616.0.0", "v18446744073709551615.0.0", 1)] // no size limit
    public void Go_orders(string a, string b, int expected) => OrderingAssert.Compares(SemverVersionScheme.Go, a, b, expected);

    [Theory]
    [InlineData("v1.2-pre")] // shorthands take no suffix
    [InlineData("v1+build")]
    [InlineData("V1.0.0")]
    [InlineData("v01.0.0")]
    [InlineData(" v1.0.0")]
    [InlineData("v1.0.0-")]
    public void Go_rejects(string text) => OrderingAssert.Rejects(SemverVersionScheme.Go, text, "v1.0.0");

    [Theory]
    [InlineData("1.0.0+01", "1.0.0", 0)] // build identifiers may have leading zeros
    [InlineData("18446744073709551615.0.0", "1.0.0", 1)] // u64::MAX
    public void Cargo_orders(string a, string b, int expected) => OrderingAssert.Compares(SemverVersionScheme.Cargo, a, b, expected);

    [Theory]
    [InlineData("v1.0.0")]
    [InlineData("1.0")]
    [InlineData("1.0.0-01")]
    [InlineData("18446744073709551616.0.0")]
    [InlineData(" 1.0.0")]
    public void Cargo_rejects(string text) => OrderingAssert.Rejects(SemverVersionScheme.Cargo, text, "1.0.0");

    [Fact]
    public void Exposes_the_parts()
    {
        Assert.True(SemverVersionScheme.NodeLoose.TryParseVersion("v01.2.3-rc.1+build.5", out SemverVersion? version, out string? error), error);
        Assert.Equal(("1", "2", "3"), (version.Major, version.Minor, version.Patch));
        Assert.Equal(["rc", "1"], version.Prerelease);
        Assert.Equal("build.5", version.Build);
        Assert.True(version.IsPrerelease);
        Assert.Equal("semver-loose", version.SchemeName);
    }
}
