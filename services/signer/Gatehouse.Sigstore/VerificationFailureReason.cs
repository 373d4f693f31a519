namespace Gatehouse.Sigstore;

/// <summary>Why a bundle was rejected. Every failed verification carries exactly one.</summary>
public enum VerificationFailureReason
{
    None = 0,

    // Inputs.
    TrustedRootInvalid,
    ArtifactUnavailable,
    BundleMalformed,
    BundleUnsupportedVersion,
    VerificationMaterialMismatch,

    // Certificate (keyless).
    CertificateMissing,
    CertificateMalformed,
    CertificateNotTrusted,
    CertificateNotValidAtSigningTime,
    CertificateNotForCodeSigning,
    SignedCertificateTimestampInvalid,
    IdentityMismatch,
    IssuerMismatch,

    // Signature over the artifact.
    SignatureInvalid,
    ArtifactDigestMismatch,
    DsseEnvelopeInvalid,

    // Transparency log.
    TransparencyLogEntryMissing,
    TransparencyLogUnknown,
    TransparencyLogEntryInvalid,
    TransparencyLogEntryMismatch,
    TransparencyLogKeyNotValidAtTime,
    InclusionPromiseMissing,
    InclusionPromiseInvalid,
    InclusionProofMissing,
    InclusionProofInvalid,
    CheckpointInvalid,

    // Signing time.
    TimestampInvalid,
    TimestampAuthorityUntrusted,
    TimestampMissing,
}
