using System.Formats.Asn1;
using Gatehouse.Sigstore.Asn1;
using Gatehouse.Sigstore.Trust;

namespace Gatehouse.Sigstore.Certificates;

/// <summary>
/// Checks a Fulcio leaf: it is a code-signing end-entity certificate, it was issued by a CA in the trusted root,
/// and at every verified signing time the leaf, the CA chain and the CA's trusted-root window were all valid.
/// </summary>
internal static class FulcioCertificateVerifier
{
    /// <returns>The certificate that issued the leaf (needed for SCT verification).</returns>
    public static ParsedCertificate Verify(ParsedCertificate leaf, IReadOnlyList<VerifiedTimestamp> times, TrustedRoot root)
    {
        RequireCodeSigningLeaf(leaf);

        var issuers = new List<TrustedCertificateAuthority>();
        foreach (var authority in root.CertificateAuthorities)
        {
            if (authority.ChainError.Length == 0 && leaf.IsSignedBy(authority.IssuingCertificate))
            {
                issuers.Add(authority);
            }
        }

        if (issuers.Count == 0)
        {
            throw new VerificationException(VerificationFailureReason.CertificateNotTrusted,
                "the signing certificate was not issued by a certificate authority in the trusted root");
        }

        foreach (var time in times)
        {
            if (!leaf.IsValidAt(time.Time))
            {
                throw new VerificationException(VerificationFailureReason.CertificateNotValidAtSigningTime,
                    $"the signing certificate (valid {leaf.NotBefore:O} to {leaf.NotAfter:O}) was not valid at the {Describe(time)}");
            }

            if (!issuers.Any(ca => ca.Validity.Contains(time.Time) && ca.ChainValidAt(time.Time)))
            {
                throw new VerificationException(VerificationFailureReason.CertificateNotTrusted,
                    $"no trusted certificate authority that issued the certificate was valid at the {Describe(time)}");
            }
        }

        return issuers[0].IssuingCertificate;
    }

    private static void RequireCodeSigningLeaf(ParsedCertificate leaf)
    {
        try
        {
            if (CertificateExtensionReader.IsCertificateAuthority(leaf))
            {
                throw new VerificationException(VerificationFailureReason.CertificateNotForCodeSigning,
                    "the signing certificate is a CA certificate");
            }

            if (!CertificateExtensionReader.HasExtendedKeyUsage(leaf, CertificateExtensionReader.CodeSigningEku))
            {
                throw new VerificationException(VerificationFailureReason.CertificateNotForCodeSigning,
                    "the signing certificate lacks the codeSigning extended key usage");
            }

            if (CertificateExtensionReader.ReadKeyUsage(leaf) is { } usage && !usage.HasFlag(X509KeyUsageBits.DigitalSignature))
            {
                throw new VerificationException(VerificationFailureReason.CertificateNotForCodeSigning,
                    "the signing certificate's key usage does not allow digital signatures");
            }
        }
        catch (AsnContentException e)
        {
            throw new VerificationException(VerificationFailureReason.CertificateMalformed,
                $"the signing certificate has a malformed extension: {e.Message}");
        }
    }

    private static string Describe(VerifiedTimestamp time) => time.Source switch
    {
        SigningTimeSource.TimestampAuthority => $"timestamp authority time {time.Time:O}",
        _ => $"transparency log integrated time {time.Time:O}",
    };
}
