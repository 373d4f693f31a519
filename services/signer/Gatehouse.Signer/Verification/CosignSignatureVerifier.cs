using Gatehouse.Signer.Authorities;
using Gatehouse.Signer.Discovery;
using Gatehouse.Signer.Formats;
using Gatehouse.Sigstore;

namespace Gatehouse.Signer.Verification;

/// <summary>
/// cosign <c>.sig</c> layers: a simple-signing payload signed with a managed key, or keylessly with a Fulcio certificate
/// and a legacy Rekor bundle (checked through the Sigstore verifier). Either way the payload must be a cosign container
/// image signature for exactly the subject digest.
/// </summary>
public sealed class CosignSignatureVerifier : ISignatureFormatVerifier
{
    public string Name => "cosign-simplesigning";

    public string Version => "1";

    public bool Handles(SignatureEntry entry) => entry.MediaType == CosignFormats.SimpleSigningMediaType;

    public EntryVerification Verify(SignatureEntry entry, string subjectDigest, TrustAuthority authority)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(authority);
        var hasCertificate = entry.Annotations.ContainsKey(CosignFormats.CertificateAnnotation);
        var outcome = authority.Policy switch
        {
            PublicKeyPolicy when hasCertificate => EntryVerification.NotApplicable(
                $"{authority.Name} trusts a key, but the signature is keyless (it carries a certificate)"),
            PublicKeyPolicy key => VerifyWithKey(entry, key),
            KeylessPolicy when !hasCertificate => EntryVerification.NotApplicable(
                $"{authority.Name} is keyless, but the signature carries no certificate"),
            _ => VerifyKeyless(entry, authority),
        };
        return outcome.IsVerified ? CheckClaims(entry, subjectDigest) ?? outcome : outcome;
    }

    private static EntryVerification VerifyWithKey(SignatureEntry entry, PublicKeyPolicy key)
    {
        if (!entry.Annotations.TryGetValue(CosignFormats.SignatureAnnotation, out var encoded) || encoded.Length == 0)
        {
            return EntryVerification.Failed("signature-missing", "the layer has no signature annotation");
        }

        if (!SubjectDigest.TryBase64(encoded, out var signature))
        {
            return EntryVerification.Failed("signature-malformed", "the signature annotation is not base64");
        }

        return key.VerifySignature(entry.Content, signature)
            ? EntryVerification.Verified(SubjectDigest.KeySigner(key, "signature"))
            : EntryVerification.Failed("signature-invalid", $"the signature does not verify over the payload with key {key.KeyId} ({key.KeyDescription})");
    }

    private static EntryVerification VerifyKeyless(SignatureEntry entry, TrustAuthority authority)
    {
        if (!LegacyCosignBundle.TryBuild(entry.Annotations, entry.Content, null, out var bundle, out var code, out var error))
        {
            return EntryVerification.Failed(code, error);
        }

        var result = authority.Verifier!.Verify(bundle, ArtifactInput.FromBytes(entry.Content), authority.Policy);
        return result.IsVerified
            ? EntryVerification.Verified(SubjectDigest.KeylessSigner(result.Signature!, "signature"))
            : EntryVerification.FromSigstore(result);
    }

    /// <summary>A valid signature over a payload for another image, or not a cosign signature at all, proves nothing here.</summary>
    private static EntryVerification? CheckClaims(SignatureEntry entry, string subjectDigest)
    {
        if (!SimpleSigningPayload.TryParse(entry.Content, out var payload, out var error))
        {
            return EntryVerification.Failed("payload-malformed", error);
        }

        if (payload!.Type != CosignFormats.SignatureType)
        {
            return EntryVerification.Failed("payload-type-invalid", $"critical.type is '{payload.Type}', not '{CosignFormats.SignatureType}'");
        }

        return string.Equals(payload.ManifestDigest, subjectDigest, StringComparison.Ordinal)
            ? null
            : EntryVerification.Failed("digest-mismatch",
                $"the signed payload names {payload.ManifestDigest}, not the image digest {subjectDigest}");
    }
}
