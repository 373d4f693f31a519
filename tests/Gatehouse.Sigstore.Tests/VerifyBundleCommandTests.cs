using System.Globalization;

namespace Gatehouse.Sigstore.Tests;

/// <summary>The conformance-style CLI: exit 0 only when verified, 1 with a reason on stderr otherwise.</summary>
public sealed class VerifyBundleCommandTests
{
    private static readonly ConformanceCase HappyPath = ConformanceData.Get("happy-path-v0.3");

    [Fact]
    public async Task DigestInsteadOfFileVerifies()
    {
        var digest = "sha256:" + BundleFixture.Sha256Hex(File.ReadAllBytes(HappyPath.ArtifactPath));

        var (exit, stdout, stderr) = await RunAsync(ConformanceVerification.CliArguments(HappyPath, digest));

        Assert.True(exit == 0, stderr);
        Assert.StartsWith("OK: identity=" + BundleFixture.Identity, stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailureNamesTheReason()
    {
        var digest = "sha256:" + new string('0', 64);

        var (exit, _, stderr) = await RunAsync(ConformanceVerification.CliArguments(HappyPath, digest));

        Assert.Equal(1, exit);
        Assert.Contains(nameof(VerificationFailureReason.ArtifactDigestMismatch), stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrustedRootIsRequired()
    {
        var (exit, _, stderr) = await RunAsync(
            ["--bundle", HappyPath.BundlePath, "--certificate-identity", BundleFixture.Identity,
             "--certificate-oidc-issuer", BundleFixture.Issuer, HappyPath.ArtifactPath]);

        Assert.Equal(1, exit);
        Assert.Contains("--trusted-root", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--certificate-oidc-issuer")]
    [InlineData("--certificate-identity")]
    public async Task KeylessNeedsBothIdentityAndIssuer(string dropped)
    {
        var args = ConformanceVerification.CliArguments(HappyPath).ToList();
        var index = args.IndexOf(dropped);
        args.RemoveRange(index, 2);

        var (exit, _, stderr) = await RunAsync([.. args]);

        Assert.Equal(1, exit);
        Assert.Contains("identity and an OIDC issuer", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmptyIdentityIsRejected()
    {
        var args = ConformanceVerification.CliArguments(HappyPath);
        args[Array.IndexOf(args, "--certificate-identity") + 1] = string.Empty;

        var (exit, _, stderr) = await RunAsync(args);

        Assert.Equal(1, exit);
        Assert.Contains("must not be empty", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IdentityRegexOptionIsAnchored()
    {
        var args = ConformanceVerification.CliArguments(HappyPath).ToList();
        var index = args.IndexOf("--certificate-identity");
        args[index] = "--certificate-identity-regexp";
        args[index + 1] = @"https://github\.com/sigstore-conformance/.*";
        var (exit, _, stderr) = await RunAsync([.. args]);
        Assert.True(exit == 0, stderr);

        args[index + 1] = @"https://github\.com/sigstore-conformance";
        (exit, _, stderr) = await RunAsync([.. args]);
        Assert.Equal(1, exit);
        Assert.Contains(nameof(VerificationFailureReason.IdentityMismatch), stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingArtifactFileIsAnError()
    {
        var (exit, _, stderr) = await RunAsync(ConformanceVerification.CliArguments(HappyPath, "/nonexistent/artifact"));

        Assert.Equal(1, exit);
        Assert.StartsWith("error:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownOptionIsAnError()
    {
        var (exit, _, stderr) = await RunAsync([.. ConformanceVerification.CliArguments(HappyPath), "--offline"]);

        Assert.Equal(1, exit);
        Assert.Contains("unknown option --offline", stderr, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string[] args)
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        var exit = await VerifyBundleCommand.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
