using Gatehouse.Sigstore.Asn1;

namespace Gatehouse.Sigstore.Bundles;

/// <summary>Bundle format versions with different tlog requirements (v0.1 needs a SET, v0.2+ an inclusion proof).</summary>
internal enum BundleVersion
{
    V01,
    V02,
    V03,
}

/// <summary>A parsed Sigstore bundle (protobuf-specs JSON). Only structure is checked here, not signatures.</summary>
internal sealed class SigstoreBundle
{
    public required string MediaType { get; init; }

    public required BundleVersion Version { get; init; }

    /// <summary>The signing (leaf) certificate, when the bundle carries a certificate or chain.</summary>
    public required ParsedCertificate? Certificate { get; init; }

    /// <summary>True when verificationMaterial.publicKey is used instead of a certificate.</summary>
    public required bool UsesPublicKey { get; init; }

    public required IReadOnlyList<TransparencyLogEntry> TransparencyLogEntries { get; init; }

    /// <summary>DER RFC 3161 timestamps (TimeStampResp or bare TimeStampToken).</summary>
    public required IReadOnlyList<byte[]> Rfc3161Timestamps { get; init; }

    public required MessageSignature? MessageSignature { get; init; }

    public required DsseEnvelope? DsseEnvelope { get; init; }

    /// <summary>The signature bytes a timestamp must cover: the message signature or the single DSSE signature.</summary>
    public byte[] SignatureBytes => MessageSignature?.Signature ?? DsseEnvelope!.Signatures[0].Signature;
}

internal sealed record MessageSignature(string? DigestAlgorithm, byte[]? Digest, byte[] Signature);

internal sealed record DsseSignature(string? KeyId, byte[] Signature);

internal sealed record DsseEnvelope(string PayloadType, byte[] Payload, IReadOnlyList<DsseSignature> Signatures);

internal sealed class TransparencyLogEntry
{
    public required long LogIndex { get; init; }

    public required byte[] LogId { get; init; }

    public required string Kind { get; init; }

    public required string Version { get; init; }

    /// <summary>Rekor v1 integrated time (Unix seconds); absent or 0 for Rekor v2.</summary>
    public required long? IntegratedTime { get; init; }

    public required byte[]? SignedEntryTimestamp { get; init; }

    public required InclusionProof? InclusionProof { get; init; }

    public required byte[] CanonicalizedBody { get; init; }
}

internal sealed class InclusionProof
{
    public required long LogIndex { get; init; }

    public required byte[] RootHash { get; init; }

    public required long TreeSize { get; init; }

    public required IReadOnlyList<byte[]> Hashes { get; init; }

    /// <summary>The signed note text; null when the proof has no checkpoint.</summary>
    public required string? Checkpoint { get; init; }
}
