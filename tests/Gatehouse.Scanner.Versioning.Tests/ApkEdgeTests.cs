namespace Gatehouse.Scanner.Versioning.Tests;

public class ApkEdgeTests
{
    private static readonly ApkVersionScheme Scheme = ApkVersionScheme.Strict;

    [Theory]
    [InlineData("1.0_alpha", "1.0_beta", -1)] // pre-release suffixes: alpha < beta < pre < rc < (none)
    [InlineData("1.0_beta", "1.0_pre", -1)]
    [InlineData("1.0_pre", "1.0_rc", -1)]
    [InlineData("1.0_rc1", "1.0", -1)]
    [InlineData("1.0", "1.0_cvs", -1)] // post-release suffixes: (none) < cvs < svn < git < hg < p
    [InlineData("1.0_cvs", "1.0_svn", -1)]
    [InlineData("1.0_git", "1.0_hg", -1)]
    [InlineData("1.0_hg", "1.0_p", -1)]
    [InlineData("1_alpha_pre", "1_alpha", -1)] // a further pre-release suffix is older
    [InlineData("1.0_p1", "1.0-r1", 1)] // an upstream patch level beats a package revision
    [InlineData("1.0-r9", "1.0-r10", -1)]
    [InlineData("1.2.3_rc1-r2", "1.2.3_rc1-r10", -1)]
    [InlineData("1.0a", "1.0", 1)] // letter after digits
    [InlineData("1.0a", "1.0b", -1)]
    [InlineData("1.0a", "1.0.1", -1)]
    [InlineData("1.01", "1.1", -1)] // a leading zero makes apk compare digits as text
    [InlineData("1.010", "1.01", 1)]
    [InlineData("02", "1", 1)] // ...but not in the first number
    [InlineData("2", "10", -1)]
    [InlineData("1.0~abc", "1.0~abd", -1)] // commit hashes compare as text
    [InlineData("1.0~abc", "1.0", 1)]
    [InlineData("1.18446744073709551616", "1.18446744073709551615", 1)] // beyond 64 bits
    public void Orders_like_apk(string a, string b, int expected) => OrderingAssert.Compares(Scheme, a, b, expected);

    [Theory]
    [InlineData("1.0-r")]
    [InlineData("1.0_foo")]
    [InlineData("1.0A")]
    [InlineData("v1.0")]
    [InlineData("1.0-1")]
    [InlineData("1..0")]
    [InlineData("1.0~ABC")] // apk hashes are lower-case hex
    [InlineData("1.0 ")]
    [InlineData("1.0é")]
    public void Strict_rejects(string text) => OrderingAssert.Rejects(Scheme, text, "1.0");

    [Fact]
    public void Lenient_compares_until_a_malformed_token_would_decide()
    {
        Assert.Equal(-1, ApkVersionScheme.Lenient.Compare("1_foo", "2"));
        Assert.False(ApkVersionScheme.Lenient.TryCompare("1_foo", "1", out _, out string? error));
        Assert.StartsWith("invalid version 'a' ('1_foo'): ", error, StringComparison.Ordinal);
        Assert.False(ApkVersionScheme.Lenient.TryCompare("1", "1_foo", out _, out error));
        Assert.StartsWith("invalid version 'b' ('1_foo'): ", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("3.6.1", "~", "3.6", true)] // fuzzy: the constraint is a token prefix
    [InlineData("3.60", "~", "3.6", false)]
    [InlineData("3.6", "~", "3.6.1", false)]
    [InlineData("3.6.1", ">~", "3.6", true)]
    [InlineData("3.5.9", "<~", "3.6", true)]
    [InlineData("3.6.1", "<", "3.6", false)]
    [InlineData("3.6.1", ">=", "3.6", true)]
    [InlineData("3.6", "=", "3.6.0", false)]
    [InlineData("1.0", "><", "1.1", true)] // apk's "not equal" mask
    [InlineData("1.0", "<>=", "9", true)] // any
    public void Matches_apk_operators(string version, string op, string constraint, bool expected)
    {
        Assert.True(Scheme.TryMatch(version, op, constraint, out bool matches, out string? error), error);
        Assert.Equal(expected, matches);
    }

    [Theory]
    [InlineData("!=")]
    [InlineData("")]
    [InlineData("==~x")]
    public void Rejects_unknown_operators(string op)
    {
        Assert.False(Scheme.TryMatch("1.0", op, "1.0", out bool matches, out string? error));
        Assert.False(matches);
        Assert.Contains("operator", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Match_names_the_invalid_side()
    {
        Assert.False(Scheme.TryMatch("1.0", "~", "x", out _, out string? error));
        Assert.StartsWith("invalid version 'constraint' ('x'): ", error, StringComparison.Ordinal);
    }
}
