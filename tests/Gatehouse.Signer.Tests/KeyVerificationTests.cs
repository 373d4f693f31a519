using System.Text;
using Gatehouse.Signer.Formats;
using Gatehouse.Signer.Verification;

namespace Gatehouse.Signer.Tests;

/// <summary>Key-based cosign signatures and attestations with every supported key type, and the claims checked on them.</summary>
public sealed class KeyVerificationTests
{
    private static readonly CosignSignatureVerifier Signatures = new();
    private static readonly CosignAttestationVerifier Attestations = new();

    public static TheoryData<string> KeyTypes() => ["ECDSA P-256", "ECDSA P-384", "RSA PKCS#1 v1.5", "RSA PSS", "Ed25519"];

    private static TestKey Key(string name) => TestKeys.All().Single(k => k.Name == name);

    [Theory]
    [MemberData(nameof(KeyTypes))]
    public void A_signature_made_with_the_key_verifies(string keyType)
    {
        var key = Key(keyType);
        var payload = SimpleSigningPayload.Create("registry.test/app", TestKeys.Digest);

        var outcome = Signatures.Verify(TestKeys.SignatureLayer(key, payload), TestKeys.Digest, key.Authority());

        Assert.True(outcome.IsVerified, outcome.FailureReason);
        Assert.Equal("key", outcome.Signer!.Kind);
        Assert.Equal("signature", outcome.Signer.ArtifactKind);
        Assert.StartsWith("sha256:", outcome.Signer.KeyId, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(KeyTypes))]
    public void A_signature_made_with_another_key_of_the_same_type_is_rejected(string keyType)
    {
        var payload = SimpleSigningPayload.Create("registry.test/app", TestKeys.Digest);

        var outcome = Signatures.Verify(TestKeys.SignatureLayer(Key(keyType), payload), TestKeys.Digest, Key(keyType).Authority());

        Assert.Equal("signature-invalid", outcome.FailureCode);
    }

    [Theory]
    [MemberData(nameof(KeyTypes))]
    public void An_attestation_made_with_the_key_exposes_its_predicate(string keyType)
    {
        var key = Key(keyType);
        var statement = InTotoStatement.Create("registry.test/app", TestKeys.Digest, "https://cyclonedx.org/bom", """{"bomFormat":"CycloneDX","components":[]}"""u8);

        var outcome = Attestations.Verify(TestKeys.AttestationLayer(key, statement), TestKeys.Digest, key.Authority());

        Assert.True(outcome.IsVerified, outcome.FailureReason);
        Assert.Equal("attestation:https://cyclonedx.org/bom", outcome.Signer!.ArtifactKind);
        Assert.Equal("CycloneDX", outcome.Attestation!.Predicate.GetProperty("bomFormat").GetString());
    }

    [Fact]
    public void A_changed_payload_is_rejected()
    {
        var key = TestKeys.EcdsaP256();
        var entry = TestKeys.SignatureLayer(key, SimpleSigningPayload.Create("registry.test/app", TestKeys.Digest));
        var tampered = entry with { Content = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(entry.Content).Replace("registry.test/app", "registry.test/evil", StringComparison.Ordinal)) };

        var outcome = Signatures.Verify(tampered, TestKeys.Digest, key.Authority());

        Assert.Equal("signature-invalid", outcome.FailureCode);
    }

    [Fact]
    public void A_valid_signature_for_another_digest_is_rejected()
    {
        var key = TestKeys.EcdsaP256();
        var other = "sha256:" + new string('e', 64);
        var entry = TestKeys.SignatureLayer(key, SimpleSigningPayload.Create("registry.test/app", other));

        var outcome = Signatures.Verify(entry, TestKeys.Digest, key.Authority());

        Assert.Equal("digest-mismatch", outcome.FailureCode);
        Assert.Contains(other, outcome.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_payload_that_is_not_a_cosign_image_signature_is_rejected()
    {
        var key = TestKeys.EcdsaP256();
        var payload = Encoding.UTF8.GetBytes($$$"""{"critical":{"identity":{"docker-reference":"x"},"image":{"docker-manifest-digest":"{{{TestKeys.Digest}}}"},"type":"atomic container signature"},"optional":null}""");

        var outcome = Signatures.Verify(TestKeys.SignatureLayer(key, payload), TestKeys.Digest, key.Authority());

        Assert.Equal("payload-type-invalid", outcome.FailureCode);
    }

    [Fact]
    public void An_attestation_about_another_image_is_rejected()
    {
        var key = TestKeys.EcdsaP256();
        var statement = InTotoStatement.Create("registry.test/app", "sha256:" + new string('a', 64), "https://slsa.dev/provenance/v1", "{}"u8);

        var outcome = Attestations.Verify(TestKeys.AttestationLayer(key, statement), TestKeys.Digest, key.Authority());

        Assert.Equal("digest-mismatch", outcome.FailureCode);
    }

    [Fact]
    public void Malformed_layers_are_rejected_with_specific_codes()
    {
        var key = TestKeys.EcdsaP256();
        var payload = SimpleSigningPayload.Create("registry.test/app", TestKeys.Digest);
        var noSignature = TestKeys.SignatureLayer(key, payload) with { Annotations = new Dictionary<string, string>() };
        var badBase64 = TestKeys.SignatureLayer(key, payload) with { Annotations = new Dictionary<string, string> { [CosignFormats.SignatureAnnotation] = "%%%" } };
        var truncatedEnvelope = TestKeys.AttestationLayer(key, "{}"u8.ToArray());
        truncatedEnvelope = truncatedEnvelope with { Content = truncatedEnvelope.Content[..(truncatedEnvelope.Content.Length / 2)] };

        Assert.Equal("signature-missing", Signatures.Verify(noSignature, TestKeys.Digest, key.Authority()).FailureCode);
        Assert.Equal("signature-malformed", Signatures.Verify(badBase64, TestKeys.Digest, key.Authority()).FailureCode);
        Assert.Equal("envelope-malformed", Attestations.Verify(truncatedEnvelope, TestKeys.Digest, key.Authority()).FailureCode);
    }

    [Fact]
    public void The_payload_is_byte_exact_as_cosign_writes_it()
    {
        var payload = SimpleSigningPayload.Create("registry.test/app", TestKeys.Digest, new Dictionary<string, string> { ["z"] = "1", ["a"] = "2" });

        Assert.Equal(
            $$$"""{"critical":{"identity":{"docker-reference":"registry.test/app"},"image":{"docker-manifest-digest":"{{{TestKeys.Digest}}}"},"type":"cosign container image signature"},"optional":{"a":"2","z":"1"}}""",
            Encoding.UTF8.GetString(payload));
        Assert.EndsWith("\"optional\":null}", Encoding.UTF8.GetString(SimpleSigningPayload.Create("r/a", TestKeys.Digest)), StringComparison.Ordinal);
    }
}
