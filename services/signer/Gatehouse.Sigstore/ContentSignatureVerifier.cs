using Gatehouse.Sigstore.Bundles;
using Gatehouse.Sigstore.Crypto;
using Gatehouse.Sigstore.Dsse;

namespace Gatehouse.Sigstore;

/// <summary>Checks the bundle's signed content against the artifact: a message signature, or a DSSE envelope naming it.</summary>
internal static class ContentSignatureVerifier
{
    public static void Verify(SigstoreBundle bundle, BundleSigner signer, ArtifactInput artifact)
    {
        if (bundle.MessageSignature is { } message)
        {
            VerifyMessage(message, signer.Key, artifact);
        }
        else
        {
            VerifyEnvelope(bundle.DsseEnvelope!, signer.Key, artifact);
        }
    }

    private static void VerifyMessage(MessageSignature message, VerificationKey key, ArtifactInput artifact)
    {
        // The messageDigest is an unauthenticated hint, but a bundle whose hint disagrees with the artifact is inconsistent.
        if (message.Digest is { } hint && SignatureScheme.TryHashFromName(message.DigestAlgorithm, out var hintAlgorithm) &&
            artifact.GetDigest(hintAlgorithm) is { } actual && !actual.AsSpan().SequenceEqual(hint))
        {
            throw new VerificationException(VerificationFailureReason.ArtifactDigestMismatch,
                "the bundle's message digest is not the artifact's digest");
        }

        if (!VerifyMessageSignature(message.Signature, key, artifact))
        {
            throw new VerificationException(VerificationFailureReason.SignatureInvalid,
                $"the message signature does not verify over the artifact with the signer's {key.Description} key");
        }
    }

    private static bool VerifyMessageSignature(byte[] signature, VerificationKey key, ArtifactInput artifact)
    {
        var scheme = key.DefaultScheme;
        if (key.Algorithm == KeyAlgorithm.Ed25519)
        {
            if (artifact.Bytes is not { } bytes)
            {
                throw new VerificationException(VerificationFailureReason.ArtifactUnavailable,
                    "an Ed25519 signature signs the artifact itself; its bytes are needed, not only a digest");
            }

            return key.VerifyData(bytes.Span, signature, scheme);
        }

        var digest = artifact.GetDigest(scheme.Hash) ?? throw new VerificationException(
            VerificationFailureReason.ArtifactUnavailable,
            $"the signature uses {scheme.Hash.Name}; the artifact is known only by another digest");
        if (key.VerifyDigest(digest, signature, scheme))
        {
            return true;
        }

        // A managed RSA key does not say whether it signs with PKCS#1 v1.5 or PSS; both are sound.
        return key.Algorithm == KeyAlgorithm.Rsa && key.VerifyDigest(digest, signature, scheme with { RsaPss = true });
    }

    private static void VerifyEnvelope(DsseEnvelope envelope, VerificationKey key, ArtifactInput artifact)
    {
        var pae = DsseStatement.PreAuthenticationEncoding(envelope.PayloadType, envelope.Payload);
        var signature = envelope.Signatures[0].Signature;
        var valid = key.VerifyData(pae, signature, key.DefaultScheme) ||
            (key.Algorithm == KeyAlgorithm.Rsa && key.VerifyData(pae, signature, key.DefaultScheme with { RsaPss = true }));
        if (!valid)
        {
            throw new VerificationException(VerificationFailureReason.SignatureInvalid,
                $"the DSSE signature does not verify over PAE(payloadType, payload) with the signer's {key.Description} key");
        }

        DsseStatement.RequireSubject(envelope, artifact);
    }
}
