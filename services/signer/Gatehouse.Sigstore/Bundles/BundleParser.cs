using System.Text.Json;
using Gatehouse.Sigstore.Asn1;

namespace Gatehouse.Sigstore.Bundles;

/// <summary>Parses bundle JSON v0.1-v0.3 into <see cref="SigstoreBundle"/>; every defect becomes a VerificationException.</summary>
internal static class BundleParser
{
    private static readonly JsonFields Fields = new(VerificationFailureReason.BundleMalformed, "bundle");

    public static SigstoreBundle Parse(ReadOnlyMemory<byte> utf8Json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json);
        }
        catch (JsonException e)
        {
            throw new VerificationException(VerificationFailureReason.BundleMalformed, $"bundle is not valid JSON: {e.Message}");
        }

        using (document)
        {
            return Read(document.RootElement);
        }
    }

    private static SigstoreBundle Read(JsonElement root)
    {
        var mediaType = Fields.String(root, "mediaType");
        var version = mediaType switch
        {
            "application/vnd.dev.sigstore.bundle+json;version=0.1" => BundleVersion.V01,
            "application/vnd.dev.sigstore.bundle+json;version=0.2" => BundleVersion.V02,
            "application/vnd.dev.sigstore.bundle+json;version=0.3" => BundleVersion.V03,
            "application/vnd.dev.sigstore.bundle.v0.3+json" => BundleVersion.V03,
            _ => throw new VerificationException(VerificationFailureReason.BundleUnsupportedVersion,
                $"unsupported bundle media type '{mediaType}'"),
        };

        var material = Fields.Object(root, "verificationMaterial");
        if (version == BundleVersion.V03 && Fields.OptionalObject(material, "x509CertificateChain") is not null)
        {
            // protobuf-specs: from v0.3 the leaf goes in "certificate"; a chain there is a malformed bundle.
            throw Fields.Invalid("a v0.3 bundle must carry its leaf in 'certificate', not 'x509CertificateChain'");
        }

        var certificate = ReadCertificate(material, out var usesPublicKey);
        var entries = new List<TransparencyLogEntry>();
        if (material.TryGetProperty("tlogEntries", out var tlogEntries) && tlogEntries.ValueKind != JsonValueKind.Null)
        {
            foreach (var entry in Fields.Array(material, "tlogEntries").EnumerateArray())
            {
                entries.Add(ReadEntry(entry));
            }
        }

        var timestamps = new List<byte[]>();
        if (Fields.OptionalObject(material, "timestampVerificationData") is { } timestampData &&
            timestampData.TryGetProperty("rfc3161Timestamps", out var list) && list.ValueKind != JsonValueKind.Null)
        {
            foreach (var timestamp in Fields.Array(timestampData, "rfc3161Timestamps").EnumerateArray())
            {
                timestamps.Add(Fields.Base64(timestamp, "signedTimestamp"));
            }
        }

        var message = Fields.OptionalObject(root, "messageSignature") is { } m ? ReadMessageSignature(m) : null;
        var envelope = Fields.OptionalObject(root, "dsseEnvelope") is { } d ? ReadEnvelope(d) : null;
        if ((message is null) == (envelope is null))
        {
            throw Fields.Invalid("exactly one of messageSignature and dsseEnvelope is required");
        }

        return new SigstoreBundle
        {
            MediaType = mediaType,
            Version = version,
            Certificate = certificate,
            UsesPublicKey = usesPublicKey,
            TransparencyLogEntries = entries,
            Rfc3161Timestamps = timestamps,
            MessageSignature = message,
            DsseEnvelope = envelope,
        };
    }

    private static ParsedCertificate? ReadCertificate(JsonElement material, out bool usesPublicKey)
    {
        usesPublicKey = false;
        byte[] der;
        if (Fields.OptionalObject(material, "certificate") is { } single)
        {
            der = Fields.Base64(single, "rawBytes");
        }
        else if (Fields.OptionalObject(material, "x509CertificateChain") is { } chain)
        {
            var certificates = chain.TryGetProperty("certificates", out var array) && array.ValueKind == JsonValueKind.Array
                ? array
                : default;
            if (certificates.ValueKind != JsonValueKind.Array || certificates.GetArrayLength() == 0)
            {
                throw new VerificationException(VerificationFailureReason.CertificateMissing,
                    "bundle: x509CertificateChain has no certificates");
            }

            // Only the leaf is used: intermediates and roots come from the trusted root, never from the bundle.
            der = Fields.Base64(certificates[0], "rawBytes");
        }
        else if (Fields.OptionalObject(material, "publicKey") is not null)
        {
            usesPublicKey = true;
            return null;
        }
        else
        {
            throw new VerificationException(VerificationFailureReason.CertificateMissing,
                "bundle: verificationMaterial has no certificate, chain or public key");
        }

        if (der.Length == 0)
        {
            throw new VerificationException(VerificationFailureReason.CertificateMissing, "bundle: the signing certificate is empty");
        }

        if (!ParsedCertificate.TryParse(der, out var certificate, out var error))
        {
            throw new VerificationException(VerificationFailureReason.CertificateMalformed, $"bundle: signing certificate: {error}");
        }

        return certificate;
    }

    private static TransparencyLogEntry ReadEntry(JsonElement entry)
    {
        var logIndex = Fields.Int64(entry, "logIndex");
        if (logIndex < 0)
        {
            throw new VerificationException(VerificationFailureReason.TransparencyLogEntryInvalid,
                $"bundle: tlog entry has negative log index {logIndex}");
        }

        var kindVersion = Fields.Object(entry, "kindVersion");
        var promise = Fields.OptionalObject(entry, "inclusionPromise");
        var proof = Fields.OptionalObject(entry, "inclusionProof");
        return new TransparencyLogEntry
        {
            LogIndex = logIndex,
            LogId = Fields.Base64(Fields.Object(entry, "logId"), "keyId"),
            Kind = Fields.String(kindVersion, "kind"),
            Version = Fields.String(kindVersion, "version"),
            IntegratedTime = Fields.OptionalInt64(entry, "integratedTime"),
            SignedEntryTimestamp = promise is { } p ? Fields.Base64(p, "signedEntryTimestamp") : null,
            InclusionProof = proof is { } q ? ReadProof(q) : null,
            CanonicalizedBody = Fields.Base64(entry, "canonicalizedBody"),
        };
    }

    private static InclusionProof ReadProof(JsonElement proof)
    {
        var hashes = new List<byte[]>();
        if (proof.TryGetProperty("hashes", out var list) && list.ValueKind != JsonValueKind.Null)
        {
            foreach (var hash in Fields.Array(proof, "hashes").EnumerateArray())
            {
                hashes.Add(hash.ValueKind == JsonValueKind.String
                    ? Fields.DecodeBase64(hash.GetString()!, "inclusionProof.hashes")
                    : throw Fields.Invalid("inclusionProof.hashes must hold base64 strings"));
            }
        }

        return new InclusionProof
        {
            LogIndex = Fields.Int64(proof, "logIndex"),
            RootHash = Fields.Base64(proof, "rootHash"),
            TreeSize = Fields.Int64(proof, "treeSize"),
            Hashes = hashes,
            Checkpoint = Fields.OptionalObject(proof, "checkpoint") is { } checkpoint
                ? Fields.OptionalString(checkpoint, "envelope")
                : null,
        };
    }

    private static MessageSignature ReadMessageSignature(JsonElement message)
    {
        var digest = Fields.OptionalObject(message, "messageDigest");
        return new MessageSignature(
            digest is { } d ? Fields.OptionalString(d, "algorithm") : null,
            digest is { } e ? Fields.OptionalBase64(e, "digest") : null,
            Fields.Base64(message, "signature"));
    }

    private static DsseEnvelope ReadEnvelope(JsonElement envelope)
    {
        var signatures = new List<DsseSignature>();
        foreach (var signature in Fields.Array(envelope, "signatures").EnumerateArray())
        {
            signatures.Add(new DsseSignature(Fields.OptionalString(signature, "keyid"), Fields.Base64(signature, "sig")));
        }

        if (signatures.Count != 1)
        {
            throw new VerificationException(VerificationFailureReason.DsseEnvelopeInvalid,
                $"bundle: DSSE envelope must carry exactly one signature, found {signatures.Count}");
        }

        return new DsseEnvelope(Fields.String(envelope, "payloadType"), Fields.Base64(envelope, "payload"), signatures);
    }
}
