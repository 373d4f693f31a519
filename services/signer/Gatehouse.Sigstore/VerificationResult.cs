namespace Gatehouse.Sigstore;

/// <summary>Outcome of one bundle verification: either a verified signature or a failure reason.</summary>
public sealed class VerificationResult
{
    private VerificationResult(VerificationFailureReason reason, string message, VerifiedSignature? signature)
    {
        Reason = reason;
        Message = message;
        Signature = signature;
    }

    public bool IsVerified => Reason == VerificationFailureReason.None;

    public VerificationFailureReason Reason { get; }

    /// <summary>Human-readable detail (the failure cause, or "verified").</summary>
    public string Message { get; }

    /// <summary>What was proven about the signature; null when verification failed.</summary>
    public VerifiedSignature? Signature { get; }

    public static VerificationResult Success(VerifiedSignature signature) =>
        new(VerificationFailureReason.None, "verified", signature);

    public static VerificationResult Failure(VerificationFailureReason reason, string message)
    {
        if (reason == VerificationFailureReason.None)
        {
            throw new ArgumentException("A failure needs a reason.", nameof(reason));
        }

        return new(reason, message, null);
    }

    public override string ToString() => IsVerified ? Message : $"{Reason}: {Message}";
}

/// <summary>Where the trusted signing time came from.</summary>
public enum SigningTimeSource
{
    /// <summary>Rekor v1 integrated time, authenticated by the log's signed entry timestamp.</summary>
    TransparencyLogIntegratedTime,

    /// <summary>RFC 3161 timestamp from a timestamp authority in the trusted root.</summary>
    TimestampAuthority,
}

/// <summary>A verified point in time at which the signature is known to have existed.</summary>
public sealed record VerifiedTimestamp(DateTimeOffset Time, SigningTimeSource Source);

/// <summary>Facts established by a successful verification, for policy decisions.</summary>
public sealed record VerifiedSignature
{
    /// <summary>True when a Fulcio certificate was verified; false for a public-key (managed key) signature.</summary>
    public required bool IsKeyless { get; init; }

    /// <summary>The certificate SAN that satisfied the identity policy (URI, email or username); null for key-based.</summary>
    public string? SignerIdentity { get; init; }

    /// <summary>Every SAN value in the signing certificate.</summary>
    public IReadOnlyList<string> SubjectAlternativeNames { get; init; } = [];

    /// <summary>OIDC issuer from the certificate (OID .1.8, else .1.1); null for key-based.</summary>
    public string? Issuer { get; init; }

    /// <summary>Fulcio extensions (OID 1.3.6.1.4.1.57264.1.*) by dotted OID, decoded to text. See <see cref="FulcioExtensionOids"/>.</summary>
    public IReadOnlyDictionary<string, string> FulcioExtensions { get; init; } = new Dictionary<string, string>();

    /// <summary>The earliest verified signing time.</summary>
    public required DateTimeOffset SigningTime { get; init; }

    public required SigningTimeSource SigningTimeSource { get; init; }

    /// <summary>All verified times (integrated times and TSA timestamps); the certificate was valid at each.</summary>
    public required IReadOnlyList<VerifiedTimestamp> VerifiedTimestamps { get; init; }

    /// <summary>Log index of the (first) transparency log entry.</summary>
    public required long LogIndex { get; init; }

    /// <summary>Base URL of the transparency log that holds the entry.</summary>
    public required string LogUrl { get; init; }

    /// <summary>"messageSignature" or the DSSE payload type.</summary>
    public required string ContentType { get; init; }

    /// <summary>For DSSE bundles: the verified envelope payload (the in-toto statement bytes); otherwise null.</summary>
    public ReadOnlyMemory<byte>? DssePayload { get; init; }
}
