using System.Text;
using Gatehouse.Sigstore.Asn1;
using Gatehouse.Sigstore.Crypto;

namespace Gatehouse.Sigstore;

/// <summary>The key that signed the bundle content: a Fulcio leaf certificate's key, or a managed public key.</summary>
internal sealed class BundleSigner(ParsedCertificate? certificate, VerificationKey key)
{
    public ParsedCertificate? Certificate { get; } = certificate;

    public VerificationKey Key { get; } = key;

    /// <summary>True when a Rekor "verifier" (PEM certificate or PEM public key) names this signer.</summary>
    public bool MatchesPem(ReadOnlySpan<byte> pemBytes)
    {
        var pem = Encoding.UTF8.GetString(pemBytes);
        return PemText.FirstLabel(pem) switch
        {
            "CERTIFICATE" => PemText.TryDecode(pem, "CERTIFICATE", out var der) && MatchesCertificate(der),
            "PUBLIC KEY" => PemText.TryDecode(pem, "PUBLIC KEY", out var spki) && MatchesPublicKey(spki),
            _ => false,
        };
    }

    /// <summary>A logged certificate must be the very same certificate; a key-only signer never matches one.</summary>
    public bool MatchesCertificate(ReadOnlySpan<byte> der) =>
        Certificate is not null && Certificate.Der.Span.SequenceEqual(der);

    public bool MatchesPublicKey(ReadOnlySpan<byte> spki) => Key.SameKeyAs(spki);
}
