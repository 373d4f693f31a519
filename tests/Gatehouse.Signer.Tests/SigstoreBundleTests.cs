using Gatehouse.Signer.Authorities;
using Gatehouse.Signer.Discovery;
using Gatehouse.Signer.Formats;
using Gatehouse.Signer.Verification;
using Gatehouse.Testing;

namespace Gatehouse.Signer.Tests;

/// <summary>A real Sigstore bundle of an OCI attestation (cosign's test data, public-good instance) through the referrer plugin.</summary>
public sealed class SigstoreBundleTests
{
    private const string Subject = "sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4";
    private static readonly SigstoreBundleVerifier Bundles = new();

    public static TrustAuthority PublicGoodAuthority(string identity = "cody@soyland.com", string issuer = "https://github.com/login/oauth")
    {
        var options = new SignerOptions();
        options.Authorities["public-good"] = new AuthorityOptions
        {
            Keyless = new KeylessAuthorityOptions { Identity = identity, Issuer = issuer, TrustedRoot = RepoPaths.TestData("cosign", "trusted_root_pgi.json") },
        };
        return TrustAuthorities.Load(options).All[0];
    }

    private static SignatureEntry Entry(byte[]? content = null) => new("sha256:referrer#0", SignatureArtifactDiscovery.ReferrerKind,
        CosignFormats.SigstoreBundleV03MediaType, content ?? File.ReadAllBytes(RepoPaths.TestData("cosign", "oci-attestation.sigstore.json")),
        new Dictionary<string, string>());

    [Fact]
    public void The_bundle_verifies_for_its_subject_and_exposes_the_predicate()
    {
        var outcome = Bundles.Verify(Entry(), Subject, PublicGoodAuthority());

        Assert.True(outcome.IsVerified, $"{outcome.FailureCode}: {outcome.FailureReason}");
        Assert.Equal(("keyless", "https://github.com/login/oauth", "cody@soyland.com"), (outcome.Signer!.Kind, outcome.Signer.Issuer, outcome.Signer.Subject));
        Assert.Equal("attestation:https://cosign.sigstore.dev/attestation/v1", outcome.Signer.ArtifactKind);
        Assert.True(outcome.Attestation!.Predicate.TryGetProperty("Data", out _));
    }

    [Fact]
    public void Another_identity_is_rejected()
    {
        var outcome = Bundles.Verify(Entry(), Subject, PublicGoodAuthority(identity: "someone@else.test"));

        Assert.Equal("identity-mismatch", outcome.FailureCode);
    }

    [Fact]
    public void A_truncated_bundle_is_rejected()
    {
        var bytes = Entry().Content;

        var outcome = Bundles.Verify(Entry(bytes[..(bytes.Length / 3)]), Subject, PublicGoodAuthority());

        Assert.Equal("bundle-malformed", outcome.FailureCode);
    }

    [Fact]
    public void A_key_authority_without_a_trusted_root_does_not_apply()
    {
        var outcome = Bundles.Verify(Entry(), Subject, TestKeys.EcdsaP256().Authority());

        Assert.False(outcome.Applicable);
    }
}
