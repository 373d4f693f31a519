using Gatehouse.Cli.Commands;
using Gatehouse.Testing;

namespace Gatehouse.Integration.Tests;

/// <summary>The CLI wiring of verbs implemented in the libraries (their own tests cover their logic).</summary>
public sealed class CliVerbTests
{
    private static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await Verbs.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData("dpkg", "1.0~rc1", "1.0", "-1")]
    [InlineData("pep440", "1.0.post1", "1.0", "1")]
    [InlineData("semver", "1.0.0+build", "1.0.0", "0")]
    public async Task Versions_compare_prints_the_sign(string scheme, string a, string b, string expected)
    {
        var (exit, output, _) = await Run("versions", "compare", "--scheme", scheme, a, b);
        Assert.Equal(0, exit);
        Assert.Equal(expected, output.Trim());
    }

    [Fact]
    public async Task Versions_compare_names_the_invalid_side()
    {
        var (exit, _, error) = await Run("versions", "compare", "--scheme", "dpkg", "1.0", "1:");
        Assert.Equal(2, exit);
        Assert.Contains("'b'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_bundle_follows_the_conformance_protocol()
    {
        var cases = RepoPaths.TestData("sigstore-conformance", "bundle-verify");
        var root = RepoPaths.TestData("sigstore-conformance", "trusted-roots", "public-good-trusted_root.json");
        const string identity = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
        const string issuer = "https://token.actions.githubusercontent.com";
        string[] Args(string c) => ["verify-bundle", "--bundle", Path.Combine(cases, c, "bundle.sigstore.json"),
            "--certificate-identity", identity, "--certificate-oidc-issuer", issuer, "--trusted-root", root, Path.Combine(cases, "a.txt")];

        Assert.Equal(0, (await Run(Args("happy-path-v0.3"))).Exit);
        Assert.NotEqual(0, (await Run(Args("signature-mismatch_fail"))).Exit);
    }
}
