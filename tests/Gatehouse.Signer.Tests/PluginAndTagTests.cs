using Gatehouse.Signer.Authorities;
using Gatehouse.Signer.Discovery;
using Gatehouse.Signer.Verification;

namespace Gatehouse.Signer.Tests;

/// <summary>The plugin list and cosign's tag scheme.</summary>
public sealed class PluginAndTagTests
{
    private sealed class Impostor : ISignatureFormatVerifier
    {
        public string Name => "cosign-simplesigning";

        public string Version => "2";

        public bool Handles(SignatureEntry entry) => true;

        public EntryVerification Verify(SignatureEntry entry, string subjectDigest, TrustAuthority authority) => EntryVerification.Failed("x", "x");
    }

    [Fact]
    public void A_duplicate_plugin_name_is_rejected()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new SignatureFormatVerifiers([.. SignatureFormatVerifiers.BuiltIn, new Impostor()]));

        Assert.Contains("duplicated: cosign-simplesigning", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_built_in_plugins_have_distinct_names_and_versions()
    {
        var plugins = new SignatureFormatVerifiers(SignatureFormatVerifiers.BuiltIn);

        Assert.Equal("cosign-simplesigning@1, cosign-dsse@1, sigstore-bundle@1", plugins.Describe());
    }

    [Theory]
    [InlineData("sha256-{0}.sig", true)]
    [InlineData("sha256-{0}.att", true)]
    [InlineData("sha256-{0}.sbom", true)]
    [InlineData("sha256-{0}", true)]
    [InlineData("sha256-{0}.sig.old", false)]
    [InlineData("v1.2", false)]
    [InlineData("sha512-{0}", false)]
    public void Artifact_tags_map_to_their_subject(string pattern, bool isArtifact)
    {
        var hex = new string('a', 64);
        var tag = string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, hex);

        var mapped = CosignTags.TryGetSubject(tag, out var subject);

        Assert.Equal(isArtifact, mapped);
        if (isArtifact) Assert.Equal("sha256:" + hex, subject);
    }

    [Fact]
    public void Failure_codes_are_stable_kebab_case()
    {
        Assert.Equal("certificate-not-valid-at-signing-time", EntryVerification.CodeFor(Sigstore.VerificationFailureReason.CertificateNotValidAtSigningTime));
        Assert.Equal("transparency-log-unknown", EntryVerification.CodeFor(Sigstore.VerificationFailureReason.TransparencyLogUnknown));
    }
}
