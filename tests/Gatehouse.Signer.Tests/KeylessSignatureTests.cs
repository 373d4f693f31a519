using System.Text;
using Gatehouse.Signer.Authorities;
using Gatehouse.Signer.Discovery;
using Gatehouse.Signer.Formats;
using Gatehouse.Signer.Verification;

namespace Gatehouse.Signer.Tests;

/// <summary>
/// Keyless cosign signatures in the legacy layout (certificate and Rekor bundle annotations) from a private Sigstore
/// instance, untampered and tampered one way at a time; each tampering fails with its own code.
/// </summary>
public sealed class KeylessSignatureTests : IDisposable
{
    private const string Identity = "release@gatehouse.test";
    private const string Issuer = "https://issuer.gatehouse.test";
    private static readonly DateTimeOffset SignedAt = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly CosignSignatureVerifier Signatures = new();
    private readonly TestSigstoreInstance _sigstore = new();
    private readonly TestSigstoreInstance _otherInstance = new("other");

    private TrustAuthority Authority(string identity = Identity, string issuer = Issuer)
    {
        var options = new SignerOptions();
        options.Authorities["ci"] = new AuthorityOptions
        {
            Keyless = new KeylessAuthorityOptions { Identity = identity, Issuer = issuer, TrustedRoot = _sigstore.TrustedRootPath },
        };
        return TrustAuthorities.Load(options).All[0];
    }

    private SignatureEntry Signed(byte[]? payload = null, TestLeaf? leaf = null, DateTimeOffset? loggedAt = null, TestSigstoreInstance? log = null)
    {
        payload ??= SimpleSigningPayload.Create("registry.test/app", TestKeys.Digest);
        leaf ??= _sigstore.IssueLeaf(Identity, Issuer, SignedAt);
        var annotations = _sigstore.SignPayload(payload, leaf, loggedAt ?? SignedAt.AddMinutes(1), log);
        return new SignatureEntry("sha256-x.sig#0", SignatureArtifactDiscovery.SignatureKind, CosignFormats.SimpleSigningMediaType, payload, annotations);
    }

    private static SignatureEntry WithAnnotation(SignatureEntry entry, string key, string value) =>
        entry with { Annotations = new Dictionary<string, string>(entry.Annotations) { [key] = value } };

    [Fact]
    public void An_untampered_signature_verifies_with_identity_issuer_and_log_time()
    {
        var outcome = Signatures.Verify(Signed(), TestKeys.Digest, Authority());

        Assert.True(outcome.IsVerified, $"{outcome.FailureCode}: {outcome.FailureReason}");
        Assert.Equal(("keyless", Issuer, Identity), (outcome.Signer!.Kind, outcome.Signer.Issuer, outcome.Signer.Subject));
        Assert.Equal(SignedAt.AddMinutes(1), outcome.Signer.SignedAt);
    }

    [Fact]
    public void A_changed_payload_is_rejected()
    {
        var entry = Signed();
        var tampered = entry with { Content = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(entry.Content).Replace("registry.test/app", "registry.test/evil", StringComparison.Ordinal)) };

        var outcome = Signatures.Verify(tampered, TestKeys.Digest, Authority());

        Assert.Equal("signature-invalid", outcome.FailureCode);
    }

    [Fact]
    public void A_signature_copied_to_another_image_is_rejected_as_a_digest_mismatch()
    {
        var outcome = Signatures.Verify(Signed(), "sha256:" + new string('b', 64), Authority());

        Assert.Equal("digest-mismatch", outcome.FailureCode);
    }

    [Fact]
    public void A_certificate_for_another_identity_is_rejected()
    {
        var leaf = _sigstore.IssueLeaf("attacker@gatehouse.test", Issuer, SignedAt);

        var outcome = Signatures.Verify(Signed(leaf: leaf), TestKeys.Digest, Authority());

        Assert.Equal("identity-mismatch", outcome.FailureCode);
    }

    [Fact]
    public void A_certificate_from_another_issuer_is_rejected()
    {
        var leaf = _sigstore.IssueLeaf(Identity, "https://accounts.evil.test", SignedAt);

        var outcome = Signatures.Verify(Signed(leaf: leaf), TestKeys.Digest, Authority());

        Assert.Equal("issuer-mismatch", outcome.FailureCode);
    }

    [Fact]
    public void An_expired_certificate_without_a_log_time_inside_its_validity_is_rejected()
    {
        // Logged an hour after the ten-minute certificate expired: the signature cannot be shown to predate expiry.
        var outcome = Signatures.Verify(Signed(loggedAt: SignedAt.AddHours(1)), TestKeys.Digest, Authority());

        Assert.Equal("certificate-not-valid-at-signing-time", outcome.FailureCode);
    }

    [Fact]
    public void A_log_entry_from_another_instance_is_rejected()
    {
        var outcome = Signatures.Verify(Signed(log: _otherInstance), TestKeys.Digest, Authority());

        Assert.Equal("transparency-log-unknown", outcome.FailureCode);
    }

    [Fact]
    public void A_certificate_from_another_instance_is_not_trusted()
    {
        var leaf = _otherInstance.IssueLeaf(Identity, Issuer, SignedAt);

        var outcome = Signatures.Verify(Signed(leaf: leaf), TestKeys.Digest, Authority());

        Assert.Equal("certificate-not-trusted", outcome.FailureCode);
    }

    [Fact]
    public void A_forged_signed_entry_timestamp_is_rejected()
    {
        var entry = Signed();
        var bundle = entry.Annotations[CosignFormats.BundleAnnotation];
        var forged = System.Text.Json.Nodes.JsonNode.Parse(bundle)!;
        forged["Payload"]!["integratedTime"] = SignedAt.AddMinutes(2).ToUnixTimeSeconds();

        var outcome = Signatures.Verify(WithAnnotation(entry, CosignFormats.BundleAnnotation, forged.ToJsonString()), TestKeys.Digest, Authority());

        Assert.Equal("inclusion-promise-invalid", outcome.FailureCode);
    }

    [Fact]
    public void Malformed_PEM_is_rejected()
    {
        var entry = WithAnnotation(Signed(), CosignFormats.CertificateAnnotation, "-----BEGIN CERTIFICATE-----\n%%% not base64 %%%\n-----END CERTIFICATE-----\n");

        var outcome = Signatures.Verify(entry, TestKeys.Digest, Authority());

        Assert.Equal("certificate-malformed", outcome.FailureCode);
    }

    [Fact]
    public void Malformed_ASN1_in_the_certificate_is_rejected()
    {
        var pem = System.Security.Cryptography.PemEncoding.WriteString("CERTIFICATE", [0x30, 0x82, 0x01, 0x00, 0x02, 0x01]);
        var entry = WithAnnotation(Signed(), CosignFormats.CertificateAnnotation, pem);

        var outcome = Signatures.Verify(entry, TestKeys.Digest, Authority());

        Assert.Equal("certificate-malformed", outcome.FailureCode);
    }

    [Fact]
    public void A_truncated_Rekor_bundle_is_rejected()
    {
        var entry = Signed();
        var bundle = entry.Annotations[CosignFormats.BundleAnnotation];

        var outcome = Signatures.Verify(WithAnnotation(entry, CosignFormats.BundleAnnotation, bundle[..(bundle.Length / 2)]), TestKeys.Digest, Authority());

        Assert.Equal("bundle-malformed", outcome.FailureCode);
        Assert.Contains("truncated", outcome.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_keyless_signature_without_a_Rekor_bundle_is_rejected()
    {
        var entry = Signed();
        var annotations = new Dictionary<string, string>(entry.Annotations);
        annotations.Remove(CosignFormats.BundleAnnotation);

        var outcome = Signatures.Verify(entry with { Annotations = annotations }, TestKeys.Digest, Authority());

        Assert.Equal("transparency-log-missing", outcome.FailureCode);
    }

    [Fact]
    public void A_keyless_attestation_verifies_and_exposes_its_predicate()
    {
        var leaf = _sigstore.IssueLeaf(Identity, Issuer, SignedAt);
        var statement = InTotoStatement.Create("registry.test/app", TestKeys.Digest, "https://slsa.dev/provenance/v1", """{"buildDefinition":{"buildType":"https://gatehouse.test/ci"}}"""u8);
        var (envelope, annotations) = _sigstore.Attest(statement, leaf, SignedAt.AddMinutes(1));
        var entry = new SignatureEntry("sha256-x.att#0", SignatureArtifactDiscovery.AttestationKind, CosignFormats.DsseEnvelopeMediaType, envelope, annotations);

        var outcome = new CosignAttestationVerifier().Verify(entry, TestKeys.Digest, Authority());
        var otherImage = new CosignAttestationVerifier().Verify(entry, "sha256:" + new string('c', 64), Authority());

        Assert.True(outcome.IsVerified, $"{outcome.FailureCode}: {outcome.FailureReason}");
        Assert.Equal("attestation:https://slsa.dev/provenance/v1", outcome.Signer!.ArtifactKind);
        Assert.Equal("https://gatehouse.test/ci", outcome.Attestation!.Predicate.GetProperty("buildDefinition").GetProperty("buildType").GetString());
        Assert.Equal("artifact-digest-mismatch", otherImage.FailureCode);
    }

    [Fact]
    public void A_key_authority_does_not_apply_to_a_keyless_signature()
    {
        var outcome = Signatures.Verify(Signed(), TestKeys.Digest, TestKeys.EcdsaP256().Authority());

        Assert.False(outcome.Applicable);
    }

    public void Dispose()
    {
        _sigstore.Dispose();
        _otherInstance.Dispose();
    }
}
