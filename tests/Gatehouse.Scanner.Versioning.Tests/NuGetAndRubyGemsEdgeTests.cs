namespace Gatehouse.Scanner.Versioning.Tests;

public class NuGetAndRubyGemsEdgeTests
{
    [Theory]
    [InlineData("1.0.0-beta", "1.0.0-BETA", 0)] // labels are case-insensitive
    [InlineData("1.0.0+meta", "1.0.0", 0)]
    [InlineData("1.0", "1.0.0.0", 0)]
    [InlineData("1.0.0-beta.10", "1.0.0-beta.9", 1)]
    [InlineData("1.0.0-alpha", "1.0.0", -1)]
    [InlineData("1.0.0.1", "1.0.0", 1)] // legacy fourth part
    [InlineData("1.0.0-1", "1.0.0-a", -1)]
    public void NuGet_orders(string a, string b, int expected) => OrderingAssert.Compares(NuGetVersionScheme.Default, a, b, expected);

    [Theory]
    [InlineData("1.0.0.0.0")]
    [InlineData("a.b")]
    [InlineData("1.0.0-")]
    [InlineData("2147483648.0.0")]
    public void NuGet_rejects(string text) => OrderingAssert.Rejects(NuGetVersionScheme.Default, text, "1.0.0");

    [Theory]
    [InlineData("1.0", "1.0.0", 0)] // trailing zeros are insignificant
    [InlineData("1.0.a", "1.0", -1)] // any letter makes a pre-release
    [InlineData("1.0.0.pre", "1.0.0", -1)]
    [InlineData("1.0.b1", "1.0.a2", 1)]
    [InlineData("1.10", "1.9", 1)]
    [InlineData("1.0.A", "1.0.a", -1)] // letters compare case-sensitively
    [InlineData("1.a.0", "1.a", 0)] // trailing zeros after a letter are dropped too
    [InlineData("1.0-rc1", "1.0.pre.rc1", 0)] // '-' means ".pre."
    [InlineData("1.0-rc1", "1.0.rc1", -1)]
    [InlineData("1.0a", "1.0.a", 0)] // digit/letter boundaries split segments
    [InlineData(" 1.0\n", "1.0", 0)]
    [InlineData("1.18446744073709551616", "1.18446744073709551615", 1)]
    public void RubyGems_orders(string a, string b, int expected) => OrderingAssert.Compares(RubyGemsVersionScheme.Default, a, b, expected);

    [Theory]
    [InlineData("1..0")]
    [InlineData("a.1")]
    [InlineData("1.0-")]
    [InlineData("1.0 beta")]
    [InlineData("1.0_1")]
    [InlineData(".1")]
    public void RubyGems_rejects(string text) => OrderingAssert.Rejects(RubyGemsVersionScheme.Default, text, "1.0");

    [Fact]
    public void RubyGems_exposes_the_normalized_form()
    {
        Assert.True(RubyGemsVersionScheme.Default.TryParseVersion(" 1.0-rc1 ", out RubyGemsVersion? version, out string? error), error);
        Assert.Equal("1.0.pre.rc1", version.Normalized);
        Assert.True(version.IsPrerelease);
    }
}
