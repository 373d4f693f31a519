using Gatehouse.Signer.Authorities;
using Gatehouse.Signer.Discovery;
using Gatehouse.Signer.Formats;
using Gatehouse.Sigstore;

namespace Gatehouse.Signer.Verification;

/// <summary>
/// cosign <c>.att</c> layers: a DSSE envelope holding an in-toto statement, signed with a managed key or keylessly
/// (certificate and legacy Rekor bundle annotations, checked through the Sigstore verifier). The statement must name
/// the subject digest; its predicate type and predicate are handed to policy.
/// </summary>
public sealed class CosignAttestationVerifier : ISignatureFormatVerifier
{
    public string Name => "cosign-dsse";

    public string Version => "1";

    public bool Handles(SignatureEntry entry) => entry.MediaType == CosignFormats.DsseEnvelopeMediaType;

    public EntryVerification Verify(SignatureEntry entry, string subjectDigest, TrustAuthority authority)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(authority);
        if (!DsseEnvelope.TryParse(entry.Content, out var envelope, out var error))
        {
            return EntryVerification.Failed("envelope-malformed", error);
        }

        var hasCertificate = entry.Annotations.ContainsKey(CosignFormats.CertificateAnnotation);
        switch (authority.Policy)
        {
            case PublicKeyPolicy when hasCertificate:
                return EntryVerification.NotApplicable($"{authority.Name} trusts a key, but the attestation is keyless (it carries a certificate)");
            case PublicKeyPolicy key:
                var pae = envelope!.PreAuthenticationEncoding();
                if (!envelope.Signatures.Any(s => key.VerifySignature(pae, s.Sig)))
                {
                    return EntryVerification.Failed("signature-invalid",
                        $"no DSSE signature verifies over PAE(payloadType, payload) with key {key.KeyId} ({key.KeyDescription})");
                }

                return Statement(envelope, subjectDigest, kind => SubjectDigest.KeySigner(key, kind));
            case KeylessPolicy when !hasCertificate:
                return EntryVerification.NotApplicable($"{authority.Name} is keyless, but the attestation carries no certificate");
            default:
                return VerifyKeyless(entry, envelope!, subjectDigest, authority);
        }
    }

    private static EntryVerification VerifyKeyless(SignatureEntry entry, DsseEnvelope envelope, string subjectDigest, TrustAuthority authority)
    {
        if (!LegacyCosignBundle.TryBuild(entry.Annotations, [], envelope, out var bundle, out var code, out var error))
        {
            return EntryVerification.Failed(code, error);
        }

        if (SubjectDigest.AsArtifact(subjectDigest) is not { } artifact)
        {
            return EntryVerification.Failed("digest-invalid", $"'{subjectDigest}' is not a sha256/sha384/sha512 digest");
        }

        // The verifier checks envelope signature, certificate, log entry and that the statement names the image.
        var result = authority.Verifier!.Verify(bundle, artifact, authority.Policy);
        return result.IsVerified
            ? Statement(envelope, subjectDigest, kind => SubjectDigest.KeylessSigner(result.Signature!, kind))
            : EntryVerification.FromSigstore(result);
    }

    internal static EntryVerification Statement(DsseEnvelope envelope, string subjectDigest, Func<string, Gatehouse.Contracts.Messages.VerifiedSigner> signer)
    {
        if (envelope.PayloadType != CosignFormats.InTotoPayloadType)
        {
            return EntryVerification.Failed("payload-type-invalid", $"DSSE payload type '{envelope.PayloadType}' is not an in-toto statement");
        }

        if (!InTotoStatement.TryParse(envelope.Payload, out var statement, out var error))
        {
            return EntryVerification.Failed("statement-malformed", error);
        }

        if (!statement!.NamesDigest(subjectDigest))
        {
            return EntryVerification.Failed("digest-mismatch", $"no subject of the in-toto statement has the image digest {subjectDigest}");
        }

        var attestation = new VerifiedAttestation(statement.PredicateType, statement.Type, statement.Predicate);
        return EntryVerification.Verified(signer(SubjectDigest.AttestationKind(statement.PredicateType)), attestation);
    }
}
