using Gatehouse.Sigstore.Asn1;
using Gatehouse.Sigstore.Crypto;
using Gatehouse.Sigstore.Trust;

namespace Gatehouse.Sigstore.Timestamps;

/// <summary>
/// Verifies an RFC 3161 timestamp against the trusted root's timestamp authorities: the imprint covers the
/// bundle signature, the token is signed by a trusted TSA certificate (from the trusted root, or embedded and
/// issued by one), the TSA's certificates were valid at genTime and genTime is inside the TSA's window.
/// </summary>
internal static class TimestampVerifier
{
    public static DateTimeOffset Verify(byte[] encodedTimestamp, byte[] signatureBytes, TrustedRoot root)
    {
        var timestamp = Rfc3161Timestamp.Parse(encodedTimestamp);
        var expected = SignatureScheme.ComputeHash(timestamp.ImprintAlgorithm, signatureBytes);
        if (!expected.AsSpan().SequenceEqual(timestamp.ImprintDigest))
        {
            throw new VerificationException(VerificationFailureReason.TimestampInvalid,
                "the timestamp's message imprint is not the digest of the bundle signature");
        }

        VerificationException? failure = null;
        foreach (var authority in root.TimestampAuthorities)
        {
            if (FindSigner(timestamp, authority) is not { } chain)
            {
                continue;
            }

            try
            {
                Check(timestamp, authority, chain);
                return timestamp.GenTime;
            }
            catch (VerificationException e)
            {
                failure = e;
            }
        }

        throw failure ?? new VerificationException(VerificationFailureReason.TimestampAuthorityUntrusted,
            "the timestamp was not signed by a timestamp authority in the trusted root");
    }

    /// <summary>The signer's chain (signer first) when the token was signed by this authority, else null.</summary>
    private static List<ParsedCertificate>? FindSigner(Rfc3161Timestamp timestamp, TrustedCertificateAuthority authority)
    {
        if (timestamp.IsSignedBy(authority.IssuingCertificate))
        {
            return [.. authority.Chain];
        }

        // An embedded signer certificate is acceptable only when a certificate of the trusted chain issued it.
        foreach (var embedded in timestamp.EmbeddedCertificates)
        {
            if (timestamp.IsSignedBy(embedded) && embedded.IsSignedBy(authority.IssuingCertificate) &&
                CertificateExtensionReader.IsCertificateAuthority(authority.IssuingCertificate))
            {
                return [embedded, .. authority.Chain];
            }
        }

        return null;
    }

    private static void Check(Rfc3161Timestamp timestamp, TrustedCertificateAuthority authority, List<ParsedCertificate> chain)
    {
        var signer = chain[0];
        if (authority.ChainError.Length > 0)
        {
            throw new VerificationException(VerificationFailureReason.TimestampAuthorityUntrusted,
                $"the trusted root's chain for TSA {authority} is broken: {authority.ChainError}");
        }

        if (timestamp.SignerScheme is not { } scheme || !signer.TryGetPublicKey(out var key) ||
            !key.VerifyData(timestamp.SignedAttributes, timestamp.Signature, scheme))
        {
            throw new VerificationException(VerificationFailureReason.TimestampInvalid,
                $"the timestamp signature does not verify with the certificate of TSA {authority}");
        }

        if (!CertificateExtensionReader.HasExtendedKeyUsage(signer, CertificateExtensionReader.TimeStampingEku))
        {
            throw new VerificationException(VerificationFailureReason.TimestampInvalid,
                "the timestamp signing certificate lacks the timeStamping extended key usage");
        }

        foreach (var certificate in chain)
        {
            if (!certificate.IsValidAt(timestamp.GenTime))
            {
                throw new VerificationException(VerificationFailureReason.TimestampInvalid,
                    $"the TSA certificate chain was not valid at the timestamp's time {timestamp.GenTime:O}");
            }
        }

        if (!authority.Validity.Contains(timestamp.GenTime))
        {
            throw new VerificationException(VerificationFailureReason.TimestampAuthorityUntrusted,
                $"timestamp time {timestamp.GenTime:O} is outside the trusted root's validity {authority.Validity} for TSA {authority}");
        }
    }
}
