using System.Security.Cryptography;
using System.Text.Json;
using Gatehouse.Sigstore.Bundles;
using Gatehouse.Sigstore.Crypto;
using Gatehouse.Sigstore.Dsse;

namespace Gatehouse.Sigstore.Rekor;

/// <summary>
/// Checks that a Rekor entry body records exactly what the bundle carries: the same signature, the same signer,
/// and the same artifact / envelope digest. Supports hashedrekord 0.0.1/0.0.2, dsse 0.0.1/0.0.2 and intoto 0.0.2.
/// </summary>
internal static class EntryBodyMatcher
{
    private static readonly JsonFields Fields = new(VerificationFailureReason.TransparencyLogEntryInvalid, "tlog entry body");

    public static void Match(TransparencyLogEntry entry, SigstoreBundle bundle, BundleSigner signer, ArtifactInput artifact)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(entry.CanonicalizedBody);
        }
        catch (JsonException e)
        {
            throw Fields.Invalid($"not JSON: {e.Message}");
        }

        using (document)
        {
            var body = document.RootElement;
            var kind = Fields.String(body, "kind");
            var version = Fields.String(body, "apiVersion");
            if (kind != entry.Kind || version != entry.Version)
            {
                throw Fields.Invalid($"body is {kind} {version} but the bundle says {entry.Kind} {entry.Version}");
            }

            var spec = Fields.Object(body, "spec");
            switch ((kind, version))
            {
                case ("hashedrekord", "0.0.1"):
                    MatchHashedRekordV001(spec, bundle, signer, artifact);
                    break;
                case ("hashedrekord", "0.0.2"):
                    MatchHashedRekordV002(Fields.Object(spec, "hashedRekordV002"), bundle, signer, artifact);
                    break;
                case ("dsse", "0.0.1"):
                    MatchDsseV001(spec, Envelope(bundle), signer);
                    break;
                case ("dsse", "0.0.2"):
                    MatchDsseV002(Fields.Object(spec, "dsseV002"), Envelope(bundle), signer);
                    break;
                case ("intoto", "0.0.2"):
                    MatchInTotoV002(Fields.Object(spec, "content"), Envelope(bundle), signer);
                    break;
                default:
                    throw Fields.Invalid($"unsupported entry kind {kind} {version}");
            }
        }
    }

    private static void MatchHashedRekordV001(JsonElement spec, SigstoreBundle bundle, BundleSigner signer, ArtifactInput artifact)
    {
        var message = bundle.MessageSignature ?? throw Mismatch("a hashedrekord 0.0.1 entry cannot record a DSSE envelope");
        var hash = Fields.Object(Fields.Object(spec, "data"), "hash");
        var logged = HexDigest(hash);
        RequireEqual(artifact.GetDigest(Algorithm(Fields.String(hash, "algorithm"))), logged, "artifact digest");
        var signature = Fields.Object(spec, "signature");
        RequireEqual(message.Signature, Fields.Base64(signature, "content"), "signature");
        if (!signer.MatchesPem(Fields.Base64(Fields.Object(signature, "publicKey"), "content")))
        {
            throw Mismatch("the logged public key or certificate is not the bundle's signer");
        }
    }

    private static void MatchHashedRekordV002(JsonElement spec, SigstoreBundle bundle, BundleSigner signer, ArtifactInput artifact)
    {
        var data = Fields.Object(spec, "data");
        var algorithm = Algorithm(Fields.String(data, "algorithm"));
        var logged = Fields.Base64(data, "digest");
        if (bundle.DsseEnvelope is { } envelope)
        {
            // Rekor v2 logs DSSE as hashedrekord over PAE(payloadType, payload).
            var pae = DsseStatement.PreAuthenticationEncoding(envelope.PayloadType, envelope.Payload);
            RequireEqual(SignatureScheme.ComputeHash(algorithm, pae), logged, "DSSE envelope digest");
        }
        else
        {
            RequireEqual(artifact.GetDigest(algorithm), logged, "artifact digest");
        }

        var signature = Fields.Object(spec, "signature");
        RequireEqual(bundle.SignatureBytes, Fields.Base64(signature, "content"), "signature");
        RequireVerifier(Fields.Object(signature, "verifier"), signer);
    }

    private static void MatchDsseV001(JsonElement spec, DsseEnvelope envelope, BundleSigner signer)
    {
        var payloadHash = Fields.Object(spec, "payloadHash");
        RequirePayloadHash(envelope, Algorithm(Fields.String(payloadHash, "algorithm")), HexDigest(payloadHash));
        RequireSignatures(spec, "signatures", envelope, logged =>
            (Fields.Base64(logged, "signature"), signer.MatchesPem(Fields.Base64(logged, "verifier"))));
    }

    private static void MatchDsseV002(JsonElement spec, DsseEnvelope envelope, BundleSigner signer)
    {
        var payloadHash = Fields.Object(spec, "payloadHash");
        RequirePayloadHash(envelope, Algorithm(Fields.String(payloadHash, "algorithm")), Fields.Base64(payloadHash, "digest"));
        RequireSignatures(spec, "signatures", envelope, logged =>
        {
            RequireVerifier(Fields.Object(logged, "verifier"), signer);
            return (Fields.Base64(logged, "content"), true);
        });
    }

    private static void MatchInTotoV002(JsonElement content, DsseEnvelope envelope, BundleSigner signer)
    {
        var payloadHash = Fields.Object(content, "payloadHash");
        RequirePayloadHash(envelope, Algorithm(Fields.String(payloadHash, "algorithm")), HexDigest(payloadHash));
        var loggedEnvelope = Fields.Object(content, "envelope");
        if (Fields.OptionalString(loggedEnvelope, "payloadType") is { } type && type != envelope.PayloadType)
        {
            throw Mismatch("the logged payload type differs from the envelope's");
        }

        RequireSignatures(loggedEnvelope, "signatures", envelope, logged =>
            (InTotoSignature(Fields.Base64(logged, "sig")), signer.MatchesPem(Fields.Base64(logged, "publicKey"))));
    }

    /// <summary>intoto 0.0.2 stores each signature base64-encoded twice; a once-encoded value is compared as is.</summary>
    private static byte[] InTotoSignature(byte[] decodedOnce)
    {
        var buffer = new byte[decodedOnce.Length];
        return Convert.TryFromBase64String(System.Text.Encoding.ASCII.GetString(decodedOnce), buffer, out var written)
            ? buffer[..written]
            : decodedOnce;
    }

    private static void RequireSignatures(
        JsonElement owner, string name, DsseEnvelope envelope, Func<JsonElement, (byte[] Signature, bool SignerMatches)> read)
    {
        var logged = Fields.Array(owner, name);
        if (logged.GetArrayLength() != envelope.Signatures.Count)
        {
            throw Mismatch($"the entry records {logged.GetArrayLength()} signatures, the envelope has {envelope.Signatures.Count}");
        }

        foreach (var item in logged.EnumerateArray())
        {
            var (signature, signerMatches) = read(item);
            if (!signerMatches)
            {
                throw Mismatch("a logged signature's verifier is not the bundle's signer");
            }

            if (!envelope.Signatures.Any(s => s.Signature.AsSpan().SequenceEqual(signature)))
            {
                throw Mismatch("the logged signature differs from the envelope's signature");
            }
        }
    }

    private static void RequireVerifier(JsonElement verifier, BundleSigner signer)
    {
        var matches = Fields.OptionalObject(verifier, "x509Certificate") is { } certificate
            ? signer.MatchesCertificate(Fields.Base64(certificate, "rawBytes"))
            : Fields.OptionalObject(verifier, "publicKey") is { } key
                ? signer.MatchesPublicKey(Fields.Base64(key, "rawBytes"))
                : throw Fields.Invalid("verifier has neither x509Certificate nor publicKey");
        if (!matches)
        {
            throw Mismatch("the logged verifier is not the bundle's signer");
        }
    }

    private static void RequirePayloadHash(DsseEnvelope envelope, HashAlgorithmName algorithm, byte[] logged) =>
        RequireEqual(SignatureScheme.ComputeHash(algorithm, envelope.Payload), logged, "DSSE payload digest");

    private static void RequireEqual(byte[]? actual, byte[] logged, string what)
    {
        if (actual is null)
        {
            throw new VerificationException(VerificationFailureReason.ArtifactDigestMismatch,
                $"the log records a {what} the artifact input cannot be compared with (different digest algorithm)");
        }

        if (!actual.AsSpan().SequenceEqual(logged))
        {
            throw Mismatch($"the {what} in the log differs from the bundle's");
        }
    }

    private static byte[] HexDigest(JsonElement hash)
    {
        try
        {
            return Convert.FromHexString(Fields.String(hash, "value"));
        }
        catch (FormatException)
        {
            throw Fields.Invalid("hash value is not hex");
        }
    }

    private static HashAlgorithmName Algorithm(string name) =>
        SignatureScheme.TryHashFromName(name, out var hash) ? hash : throw Fields.Invalid($"unsupported hash algorithm '{name}'");

    private static DsseEnvelope Envelope(SigstoreBundle bundle) =>
        bundle.DsseEnvelope ?? throw Mismatch("a DSSE/in-toto entry cannot record a message signature");

    private static VerificationException Mismatch(string message) =>
        new(VerificationFailureReason.TransparencyLogEntryMismatch, message);
}
