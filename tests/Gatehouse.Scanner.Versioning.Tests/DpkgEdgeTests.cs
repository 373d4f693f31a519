namespace Gatehouse.Scanner.Versioning.Tests;

public class DpkgEdgeTests
{
    private static readonly DpkgVersionScheme Scheme = DpkgVersionScheme.Strict;

    [Theory]
    [InlineData("1:1.0", "2.0", 1)] // epoch outranks everything
    [InlineData("2:0.1", "1:9.9", 1)]
    [InlineData("0:1.0", "1.0", 0)] // missing epoch is 0
    [InlineData("2147483647:1", "1:2", 1)] // largest epoch dpkg accepts
    [InlineData("1.0~rc1", "1.0", -1)] // '~' sorts before the end of the string
    [InlineData("1.0~~", "1.0~", -1)]
    [InlineData("1.0~rc1-1", "1.0-1", -1)]
    [InlineData("1.0a", "1.0+", -1)] // letters before non-letters
    [InlineData("1.0a", "1.0.", -1)]
    [InlineData("7.6p2-4", "7.6-0", 1)]
    [InlineData("1.0", "1.0-0", 0)] // missing revision compares as "0"
    [InlineData("1.0-1", "1.0-1.1", -1)]
    [InlineData("1.0+dfsg-1", "1.0-1", 1)]
    [InlineData("1.0-1ubuntu1", "1.0-1", 1)]
    [InlineData("1.2", "1.10", -1)] // numeric, not lexical
    [InlineData("1.010", "1.10", 0)] // leading zeros
    [InlineData("1.000000000000000000000000000001", "1.1", 0)]
    [InlineData("1.18446744073709551616", "1.18446744073709551615", 1)] // beyond 64 bits
    [InlineData("99999999999999999999999999999", "100000000000000000000000000000", -1)]
    [InlineData("2.0-1-2", "2.0-1-1", 1)] // the last hyphen starts the revision
    public void Orders_like_dpkg(string a, string b, int expected) => OrderingAssert.Compares(Scheme, a, b, expected);

    [Theory]
    [InlineData("1:")] // nothing after colon
    [InlineData(":1.0")] // empty epoch
    [InlineData("a:1.0")]
    [InlineData("-1:1.0")] // negative epoch
    [InlineData("2147483648:1.0")] // epoch too big
    [InlineData("1.0-")] // empty revision
    [InlineData("-1.0")] // empty upstream
    [InlineData("1 .0")] // embedded space
    [InlineData("1.0_1")] // dpkg only warns; strict rejects
    [InlineData("v1.0")] // does not start with a digit (warning)
    [InlineData("0:1.0-1:2")] // ':' in a revision (warning)
    [InlineData("é1.0")]
    public void Strict_rejects(string text) => OrderingAssert.Rejects(Scheme, text, "1.0");

    [Fact]
    public void Tool_mode_tolerates_warnings_and_records_them()
    {
        Assert.True(DpkgVersionScheme.DpkgTool.TryParseVersion("1.0_1", out DpkgVersion? version, out string? error), error);
        Assert.Equal("invalid character in version number", version.Warning);
        Assert.Equal(1, DpkgVersionScheme.DpkgTool.Compare("1.0_1", "1.0"));

        Assert.True(DpkgVersionScheme.DpkgTool.TryParseVersion("1.0", out DpkgVersion? clean, out _));
        Assert.Null(clean.Warning);
        Assert.False(DpkgVersionScheme.DpkgTool.TryParse("1:", out _, out _)); // errors stay errors
    }

    [Fact]
    public void Lenient_mode_accepts_empty_upstream_or_revision()
    {
        Assert.Equal(0, DpkgVersionScheme.Lenient.Compare("1.0-", "1.0"));
        Assert.Equal(-1, DpkgVersionScheme.Lenient.Compare("-1.0", "0.1")); // upstream "" < "0.1"
        Assert.Equal(1, DpkgVersionScheme.Lenient.Compare("-1.0", "0")); // "" == "0", then revision 1.0 > none
        Assert.False(DpkgVersionScheme.Lenient.TryParse("1:", out _, out _));
    }

    [Fact]
    public void Exposes_the_parts()
    {
        Assert.True(Scheme.TryParseVersion(" 1:2.0-3-4 ", out DpkgVersion? version, out string? error), error);
        Assert.Equal(1, version.Epoch);
        Assert.Equal("2.0-3", version.Upstream);
        Assert.Equal("4", version.Revision);
        Assert.True(version.HasRevision);
        Assert.Equal(" 1:2.0-3-4 ", version.Text);

        Assert.True(Scheme.TryParseVersion("2.0", out DpkgVersion? plain, out _));
        Assert.False(plain.HasRevision);
        Assert.Equal(string.Empty, plain.Revision);
    }

    [Fact]
    public void Error_uses_dpkgs_wording_and_names_the_side()
    {
        Assert.False(Scheme.TryCompare("1:", "1.0", out _, out string? error));
        Assert.Equal("invalid version 'a' ('1:'): nothing after colon in version number", error);
    }
}
