namespace Gatehouse.Sigstore.Tests;

/// <summary>Each failing conformance case must fail for its own reason, not an unrelated one.</summary>
public sealed class ConformanceReasonTests
{
    public static TheoryData<string, VerificationFailureReason> ExpectedReasons => new()
    {
        { "bundle-empty-certificate-chain_fail", VerificationFailureReason.CertificateMissing },
        { "bundle-from-wrong-instance_fail", VerificationFailureReason.TransparencyLogUnknown },
        { "bundle-invalid-base64-signature_fail", VerificationFailureReason.BundleMalformed },
        { "bundle-malformed-json_fail", VerificationFailureReason.BundleMalformed },
        { "bundle-negative-log-index_fail", VerificationFailureReason.TransparencyLogEntryInvalid },
        { "bundle-unknown-version_fail", VerificationFailureReason.BundleUnsupportedVersion },
        { "checkpoint-bad-keyhint_fail", VerificationFailureReason.CheckpointInvalid },
        { "dsse-invalid-sig_fail", VerificationFailureReason.SignatureInvalid },
        { "dsse-mismatch-envelope_fail", VerificationFailureReason.TransparencyLogEntryMismatch },
        { "inclusion-proof-corrupted-hash_fail", VerificationFailureReason.InclusionProofInvalid },
        { "incorrect-public-key_fail", VerificationFailureReason.TransparencyLogEntryMismatch },
        { "intoto-expired-certificate_fail", VerificationFailureReason.CertificateNotValidAtSigningTime },
        { "intoto-log-entry-mismatch_fail", VerificationFailureReason.TransparencyLogEntryMismatch },
        { "intoto-missing-inclusion-proof_fail", VerificationFailureReason.InclusionProofMissing },
        { "intoto-tsa-timestamp-outside-cert-validity_fail", VerificationFailureReason.CertificateNotValidAtSigningTime },
        { "invalid-checkpoint-signature_fail", VerificationFailureReason.CheckpointInvalid },
        { "invalid-ct-key_fail", VerificationFailureReason.SignedCertificateTimestampInvalid },
        { "invalid-inclusion-proof_fail", VerificationFailureReason.InclusionProofInvalid },
        { "managed-key-no-key_fail", VerificationFailureReason.VerificationMaterialMismatch },
        { "message-digest-mismatch_fail", VerificationFailureReason.ArtifactDigestMismatch },
        { "rekor2-checkpoint-missing-log-signature_fail", VerificationFailureReason.CheckpointInvalid },
        { "rekor2-checkpoint-missing-origin_fail", VerificationFailureReason.CheckpointInvalid },
        { "rekor2-checkpoint-missing-root-hash_fail", VerificationFailureReason.CheckpointInvalid },
        { "rekor2-checkpoint-no-matching-signature_fail", VerificationFailureReason.CheckpointInvalid },
        { "rekor2-dsse-invalid-sig_fail", VerificationFailureReason.SignatureInvalid },
        { "rekor2-dsse-mismatch-envelope_fail", VerificationFailureReason.TransparencyLogEntryMismatch },
        { "rekor2-dsse-mismatch-sig_fail", VerificationFailureReason.TransparencyLogEntryMismatch },
        { "rekor2-no-inclusion-proof_fail", VerificationFailureReason.InclusionProofMissing },
        { "rekor2-no-timestamp_fail", VerificationFailureReason.TimestampMissing },
        { "rekor2-timestamp-outside-trust-root-tsa-validity_fail", VerificationFailureReason.TimestampAuthorityUntrusted },
        { "rekor2-timestamp-outside-tsa-cert-validity_fail", VerificationFailureReason.TimestampInvalid },
        { "rekor2-timestamp-payload-mismatch_fail", VerificationFailureReason.TimestampInvalid },
        { "rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail", VerificationFailureReason.TimestampAuthorityUntrusted },
        { "rekor2-timestamp-untrusted-tsa-without-embedded-cert_fail", VerificationFailureReason.TimestampAuthorityUntrusted },
        { "signature-mismatch_fail", VerificationFailureReason.SignatureInvalid },
        { "trust-root-tlog-missing-validity-start_fail", VerificationFailureReason.TrustedRootInvalid },
        { "wrong-hashedrekord-artifact_fail", VerificationFailureReason.TransparencyLogEntryMismatch },
        { "wrong-hashedrekord-cert-and-sig_fail", VerificationFailureReason.TransparencyLogEntryMismatch },
        { "wrong-material_fail", VerificationFailureReason.ArtifactDigestMismatch },
    };

    [Theory]
    [MemberData(nameof(ExpectedReasons))]
    public void FailingCaseFailsForItsOwnReason(string caseName, VerificationFailureReason expected)
    {
        var result = ConformanceVerification.Run(ConformanceData.Get(caseName));

        Assert.False(result.IsVerified);
        Assert.True(expected == result.Reason, $"{caseName}: expected {expected}, got {result}");
    }

    [Fact]
    public void EveryFailingCaseHasAnExpectedReason()
    {
        var covered = ExpectedReasons.Select(row => (string)row[0]).ToHashSet(StringComparer.Ordinal);

        Assert.Empty(ConformanceData.All.Where(c => !c.ExpectPass && !covered.Contains(c.Name)).Select(c => c.Name));
    }
}
