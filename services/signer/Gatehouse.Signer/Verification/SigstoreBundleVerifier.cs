using Gatehouse.Signer.Authorities;
using Gatehouse.Signer.Discovery;
using Gatehouse.Signer.Formats;
using Gatehouse.Sigstore;

namespace Gatehouse.Signer.Verification;

/// <summary>
/// Sigstore bundles (v0.1-v0.3) attached as OCI referrers, as cosign's new bundle format writes them: a message
/// signature over the image digest, or a DSSE in-toto statement naming it (cosign 3 signs images that way too).
/// </summary>
public sealed class SigstoreBundleVerifier : ISignatureFormatVerifier
{
    public string Name => "sigstore-bundle";

    public string Version => "1";

    public bool Handles(SignatureEntry entry) => CosignFormats.IsSigstoreBundle(entry.MediaType) ||
        (entry.Kind == SignatureArtifactDiscovery.ReferrerKind && entry.MediaType.EndsWith("json", StringComparison.Ordinal) &&
         entry.MediaType is not (CosignFormats.SimpleSigningMediaType or CosignFormats.DsseEnvelopeMediaType));

    public EntryVerification Verify(SignatureEntry entry, string subjectDigest, TrustAuthority authority)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(authority);
        if (authority.Verifier is null)
        {
            return EntryVerification.NotApplicable(
                $"{authority.Name} has no trusted root, which a Sigstore bundle's transparency log entry needs (set its TrustedRoot)");
        }

        if (SubjectDigest.AsArtifact(subjectDigest) is not { } artifact)
        {
            return EntryVerification.Failed("digest-invalid", $"'{subjectDigest}' is not a sha256/sha384/sha512 digest");
        }

        var result = authority.Verifier.Verify(entry.Content, artifact, authority.Policy);
        if (!result.IsVerified)
        {
            return result.Reason == VerificationFailureReason.VerificationMaterialMismatch
                ? EntryVerification.NotApplicable($"{authority.Name}: {result.Message}")
                : EntryVerification.FromSigstore(result);
        }

        var signature = result.Signature!;
        if (signature.DssePayload is not { } payload)
        {
            return EntryVerification.Verified(SubjectDigest.SignerFor(signature, authority, "signature"));
        }

        var envelope = new DsseEnvelope(signature.ContentType, payload.ToArray(), []);
        var verified = CosignAttestationVerifier.Statement(envelope, subjectDigest, kind => SubjectDigest.SignerFor(signature, authority, kind));
        return verified.Attestation?.PredicateType == CosignFormats.CosignSignPredicateType
            ? verified with { Signer = verified.Signer! with { ArtifactKind = "signature" }, Attestation = null }
            : verified;
    }
}
