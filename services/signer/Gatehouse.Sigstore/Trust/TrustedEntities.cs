using Gatehouse.Sigstore.Asn1;
using Gatehouse.Sigstore.Crypto;

namespace Gatehouse.Sigstore.Trust;

/// <summary>A closed validity interval from a trusted root; both ends are inclusive (protobuf TimeRange).</summary>
internal sealed record TimeWindow(DateTimeOffset Start, DateTimeOffset? End)
{
    public bool Contains(DateTimeOffset time) => time >= Start && (End is null || time <= End.Value);

    public override string ToString() => $"[{Start:O}, {(End is null ? "open" : End.Value.ToString("O"))}]";
}

/// <summary>A transparency log (Rekor) or certificate transparency log with its key and validity window.</summary>
internal sealed class TrustedLog
{
    public required string BaseUrl { get; init; }

    /// <summary>The log ID from the trusted root (SHA-256 of the key for v1/CT logs; the C2SP note key ID for Rekor v2).</summary>
    public required byte[] LogId { get; init; }

    /// <summary>Null when the trusted root's key could not be parsed; such a log verifies nothing.</summary>
    public required VerificationKey? Key { get; init; }

    public required string? KeyError { get; init; }

    public required SignatureScheme Scheme { get; init; }

    public required TimeWindow Validity { get; init; }

    /// <summary>First four bytes of the log ID: the key hint on the log's checkpoint signature line.</summary>
    public ReadOnlySpan<byte> CheckpointKeyHint => LogId.AsSpan(0, Math.Min(4, LogId.Length));
}

/// <summary>
/// A Fulcio CA or a timestamp authority: certificate chain (issuing certificate first, root last) and the window
/// in which it may be used. The chain's internal signatures are checked once, when the trusted root is loaded.
/// </summary>
internal sealed class TrustedCertificateAuthority
{
    public required string Uri { get; init; }

    public required IReadOnlyList<ParsedCertificate> Chain { get; init; }

    public required TimeWindow Validity { get; init; }

    /// <summary>Empty when every certificate is signed by the next one and each issuer is a CA; else why not.</summary>
    public required string ChainError { get; init; }

    public ParsedCertificate IssuingCertificate => Chain[0];

    /// <summary>True when every certificate in the chain is within its own validity at <paramref name="time"/>.</summary>
    public bool ChainValidAt(DateTimeOffset time)
    {
        foreach (var certificate in Chain)
        {
            if (!certificate.IsValidAt(time))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => Uri;
}
