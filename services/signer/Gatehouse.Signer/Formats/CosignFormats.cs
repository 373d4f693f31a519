namespace Gatehouse.Signer.Formats;

/// <summary>Media types and annotation keys of cosign's on-registry formats (see shared/testdata/cosign/FORMAT.md).</summary>
public static class CosignFormats
{
    public const string SimpleSigningMediaType = "application/vnd.dev.cosign.simplesigning.v1+json";
    public const string DsseEnvelopeMediaType = "application/vnd.dsse.envelope.v1+json";

    /// <summary>cosign signs and attests container images with this <c>critical.type</c>.</summary>
    public const string SignatureType = "cosign container image signature";

    // Only the signature key lives under dev.cosignproject.cosign/; the others are dev.sigstore.cosign/ (cosign's code).
    public const string SignatureAnnotation = "dev.cosignproject.cosign/signature";
    public const string CertificateAnnotation = "dev.sigstore.cosign/certificate";
    public const string ChainAnnotation = "dev.sigstore.cosign/chain";
    public const string BundleAnnotation = "dev.sigstore.cosign/bundle";
    public const string TimestampAnnotation = "dev.sigstore.cosign/rfc3161timestamp";
    public const string PredicateTypeAnnotation = "predicateType";

    /// <summary>Sigstore bundle media types, as artifactType of a referrer or media type of its layer.</summary>
    public static bool IsSigstoreBundle(string? mediaType) =>
        mediaType is not null &&
        (mediaType.StartsWith("application/vnd.dev.sigstore.bundle+json", StringComparison.Ordinal) ||
         mediaType.StartsWith("application/vnd.dev.sigstore.bundle.v0.", StringComparison.Ordinal));

    public const string SigstoreBundleV03MediaType = "application/vnd.dev.sigstore.bundle.v0.3+json";

    public const string InTotoPayloadType = "application/vnd.in-toto+json";
    public const string CycloneDxPredicateType = "https://cyclonedx.org/bom";
    public const string VulnPredicateType = "https://cosign.sigstore.dev/attestation/vuln/v1";

    /// <summary>What cosign 3 puts in a bundle that signs (rather than attests) an image.</summary>
    public const string CosignSignPredicateType = "https://sigstore.dev/cosign/sign/v1";
}
