namespace Gatehouse.Scanner.Versioning.Tests;

public class RpmEdgeTests
{
    private static readonly RpmVersionScheme Scheme = RpmVersionScheme.Default;

    [Theory]
    [InlineData("1:1.0", "2.0", 1)] // epoch first
    [InlineData("0:1.0", "1.0", 0)] // missing epoch is 0
    [InlineData("1.0-1", "1.0-2", -1)]
    [InlineData("1.0-1.el8", "1.0-1.el8_2", -1)]
    [InlineData("1.0.el8", "1.0.el9", -1)]
    [InlineData("1.0~rc1", "1.0", -1)] // tilde: before everything
    [InlineData("1.0~rc1", "1.0~rc2", -1)]
    [InlineData("1.0^post1", "1.0", 1)] // caret: after the base version...
    [InlineData("1.0^post1", "1.0.1", -1)] // ...but before any other continuation
    [InlineData("1.0~rc1^git1", "1.0~rc1", 1)]
    [InlineData("1.0a", "1.0", 1)]
    [InlineData("1.a", "1.1", -1)] // numeric segments are newer than alphabetic ones
    [InlineData("2.0", "10.0", -1)]
    [InlineData("1.001", "1.1", 0)]
    [InlineData("1.0_1", "1.0.1", 0)] // separators only separate
    [InlineData("1.18446744073709551616", "1.18446744073709551615", 1)]
    public void Orders_like_rpm(string a, string b, int expected) => OrderingAssert.Compares(Scheme, a, b, expected);

    // rpmverCmp compares releases only when both sides have one (dependency-range semantics).
    [Fact]
    public void A_missing_release_matches_any_release()
    {
        Assert.Equal(0, Scheme.Compare("1.0", "1.0-5"));
        Assert.Equal(0, Scheme.Compare("1.0", "1.0-6"));
        Assert.Equal(-1, Scheme.Compare("1.0-5", "1.0-6"));
        Assert.Equal(-1, Scheme.Compare("1.0", "1.1-1"));
    }

    [Theory]
    [InlineData("1.0-")]
    [InlineData(":1.0")]
    [InlineData("1:")]
    [InlineData("-1")]
    [InlineData("1.0 1")]
    [InlineData("1.0-1-2")] // '-' is not allowed inside version or release
    [InlineData("1.0/1")]
    public void Rejects(string text) => OrderingAssert.Rejects(Scheme, text, "1.0");

    [Fact]
    public void Exposes_the_parts()
    {
        Assert.True(Scheme.TryParseVersion("2:1.0-3.el9", out RpmVersion? version, out string? error), error);
        Assert.Equal("2", version.Epoch);
        Assert.Equal("1.0", version.VersionPart);
        Assert.Equal("3.el9", version.Release);

        Assert.True(Scheme.TryParseVersion("1.0", out RpmVersion? bare, out _));
        Assert.Equal("0", bare.Epoch);
        Assert.Null(bare.Release);
    }
}
