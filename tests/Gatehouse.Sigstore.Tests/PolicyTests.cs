namespace Gatehouse.Sigstore.Tests;

/// <summary>Policies that would accept any signer are refused when they are built, not at verification time.</summary>
public sealed class PolicyTests
{
    [Theory]
    [InlineData("", BundleFixture.Issuer)]
    [InlineData("   ", BundleFixture.Issuer)]
    [InlineData(BundleFixture.Identity, "")]
    [InlineData(BundleFixture.Identity, " ")]
    public void KeylessPolicyWithEmptyIdentityOrIssuerIsRejected(string identity, string issuer)
    {
        var error = Assert.Throws<ArgumentException>(() => KeylessPolicy.ForExact(identity, issuer));

        Assert.Contains("must not be empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeylessPolicyWithoutIdentityOrIssuerIsRejected()
    {
        var matcher = IdentityMatcher.Exact(BundleFixture.Issuer);

        Assert.Throws<ArgumentNullException>(() => new KeylessPolicy(null!, matcher));
        Assert.Throws<ArgumentNullException>(() => new KeylessPolicy(matcher, null!));
    }

    [Theory]
    [InlineData(".*")]
    [InlineData("(.*)")]
    [InlineData("^.*$")]
    [InlineData("x?")]
    public void RegexThatAcceptsAnythingIsRejected(string pattern)
    {
        Assert.Throws<ArgumentException>(() => IdentityMatcher.Regex(pattern));
    }

    [Fact]
    public void InvalidRegexIsRejected()
    {
        Assert.Throws<ArgumentException>(() => IdentityMatcher.Regex("(unclosed"));
    }

    [Theory]
    [InlineData("https://github.com/org/.*", "https://github.com/org/repo", true)]
    [InlineData("https://github.com/org/.*", "https://evil.example/?https://github.com/org/repo", false)]
    [InlineData("https://github.com/org/repo", "https://github.com/org/repo/extra", false)]
    [InlineData("a|b", "ab", false)]
    [InlineData("a|b", "b", true)]
    public void RegexMatchesTheWholeValue(string pattern, string candidate, bool expected)
    {
        Assert.Equal(expected, IdentityMatcher.Regex(pattern).IsMatch(candidate));
    }

    [Fact]
    public void ExactMatchIsCaseSensitive()
    {
        var matcher = IdentityMatcher.Exact("https://github.com/Org/repo");

        Assert.True(matcher.IsMatch("https://github.com/Org/repo"));
        Assert.False(matcher.IsMatch("https://github.com/org/repo"));
    }
}
