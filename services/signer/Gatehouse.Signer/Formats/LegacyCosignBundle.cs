using System.Security.Cryptography;
using System.Text.Json;

namespace Gatehouse.Signer.Formats;

/// <summary>
/// Turns a keyless cosign signature stored the legacy way (payload or DSSE envelope in a layer, certificate and
/// legacy Rekor bundle in annotations) into the Sigstore bundle v0.1 it is equivalent to: the leaf certificate, one
/// tlog entry with its signed entry timestamp, and the RFC 3161 timestamp when there is one. The Sigstore verifier
/// then checks chain, SCTs, SET, entry body and times exactly as for any bundle. Intermediates in the chain annotation
/// are ignored on purpose: they come from the trusted root, never from the artifact.
/// </summary>
public static class LegacyCosignBundle
{
    private const string V01MediaType = "application/vnd.dev.sigstore.bundle+json;version=0.1";

    /// <summary>Builds the bundle; false with a failure code and reason when the annotations are unusable.</summary>
    public static bool TryBuild(
        IReadOnlyDictionary<string, string> annotations, ReadOnlySpan<byte> signedContent, DsseEnvelope? envelope,
        out byte[] bundleJson, out string code, out string error)
    {
        bundleJson = [];
        if (!annotations.TryGetValue(CosignFormats.CertificateAnnotation, out var pem) || string.IsNullOrWhiteSpace(pem))
        {
            return Fail("certificate-missing", "the signature has no certificate annotation, so it is not a keyless signature", out code, out error);
        }

        if (!TryDecodeCertificate(pem, out var certificate))
        {
            return Fail("certificate-malformed", "the certificate annotation is not a PEM certificate", out code, out error);
        }

        if (!annotations.TryGetValue(CosignFormats.BundleAnnotation, out var rekorBundle) || string.IsNullOrWhiteSpace(rekorBundle))
        {
            return Fail("transparency-log-missing",
                "the signature has no Rekor bundle annotation, so its signing time cannot be proven offline", out code, out error);
        }

        if (!TryReadRekorBundle(rekorBundle, out var entry, out error))
        {
            code = "bundle-malformed";
            return false;
        }

        byte[]? timestamp = null;
        if (annotations.TryGetValue(CosignFormats.TimestampAnnotation, out var timestampJson) && !TryReadTimestamp(timestampJson, out timestamp))
        {
            return Fail("timestamp-malformed", "the RFC 3161 timestamp annotation is malformed", out code, out error);
        }

        byte[]? signature = null;
        if (envelope is null &&
            (!annotations.TryGetValue(CosignFormats.SignatureAnnotation, out var encoded) || !TryBase64(encoded, out signature) || signature.Length == 0))
        {
            return Fail("signature-missing", "the signature annotation is missing or not base64", out code, out error);
        }

        bundleJson = Write(certificate, entry, timestamp, signature, signedContent, envelope);
        code = "";
        error = "";
        return true;
    }

    private static byte[] Write(byte[] certificate, RekorEntry entry, byte[]? timestamp, byte[]? signature, ReadOnlySpan<byte> content, DsseEnvelope? envelope)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("mediaType", V01MediaType);
            json.WriteStartObject("verificationMaterial");
            json.WriteStartObject("x509CertificateChain");
            json.WriteStartArray("certificates");
            json.WriteStartObject();
            json.WriteBase64String("rawBytes", certificate);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartArray("tlogEntries");
            json.WriteStartObject();
            json.WriteString("logIndex", entry.LogIndex.ToString(System.Globalization.CultureInfo.InvariantCulture));
            json.WriteStartObject("logId");
            json.WriteBase64String("keyId", entry.LogId);
            json.WriteEndObject();
            json.WriteStartObject("kindVersion");
            json.WriteString("kind", entry.Kind);
            json.WriteString("version", entry.Version);
            json.WriteEndObject();
            json.WriteString("integratedTime", entry.IntegratedTime.ToString(System.Globalization.CultureInfo.InvariantCulture));
            json.WriteStartObject("inclusionPromise");
            json.WriteBase64String("signedEntryTimestamp", entry.SignedEntryTimestamp);
            json.WriteEndObject();
            json.WriteBase64String("canonicalizedBody", entry.Body);
            json.WriteEndObject();
            json.WriteEndArray();
            if (timestamp is not null)
            {
                json.WriteStartObject("timestampVerificationData");
                json.WriteStartArray("rfc3161Timestamps");
                json.WriteStartObject();
                json.WriteBase64String("signedTimestamp", timestamp);
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
            if (envelope is null)
            {
                json.WriteStartObject("messageSignature");
                json.WriteStartObject("messageDigest");
                json.WriteString("algorithm", "SHA2_256");
                json.WriteBase64String("digest", SHA256.HashData(content));
                json.WriteEndObject();
                json.WriteBase64String("signature", signature!);
                json.WriteEndObject();
            }
            else
            {
                json.WriteStartObject("dsseEnvelope");
                json.WriteBase64String("payload", envelope.Payload);
                json.WriteString("payloadType", envelope.PayloadType);
                json.WriteStartArray("signatures");
                foreach (var dsse in envelope.Signatures)
                {
                    json.WriteStartObject();
                    json.WriteBase64String("sig", dsse.Sig);
                    json.WriteString("keyid", dsse.KeyId ?? "");
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private sealed record RekorEntry(byte[] SignedEntryTimestamp, byte[] Body, long IntegratedTime, long LogIndex, byte[] LogId, string Kind, string Version);

    /// <summary><c>{"SignedEntryTimestamp":b64,"Payload":{"body":b64,"integratedTime":n,"logIndex":n,"logID":hex}}</c>.</summary>
    private static bool TryReadRekorBundle(string text, out RekorEntry entry, out string error)
    {
        entry = null!;
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("Payload", out var payload) || payload.ValueKind != JsonValueKind.Object)
            {
                error = "the Rekor bundle annotation has no Payload object";
                return false;
            }

            if (!root.TryGetProperty("SignedEntryTimestamp", out var set) || set.ValueKind != JsonValueKind.String || !TryBase64(set.GetString()!, out var setBytes) ||
                !payload.TryGetProperty("body", out var body) || body.ValueKind != JsonValueKind.String || !TryBase64(body.GetString()!, out var bodyBytes) ||
                !payload.TryGetProperty("integratedTime", out var time) || !time.TryGetInt64(out var integratedTime) ||
                !payload.TryGetProperty("logIndex", out var index) || !index.TryGetInt64(out var logIndex) ||
                !payload.TryGetProperty("logID", out var logId) || logId.ValueKind != JsonValueKind.String)
            {
                error = "the Rekor bundle annotation lacks a field (SignedEntryTimestamp, body, integratedTime, logIndex, logID) or has one of the wrong type";
                return false;
            }

            byte[] logIdBytes;
            try
            {
                logIdBytes = Convert.FromHexString(logId.GetString()!);
            }
            catch (FormatException)
            {
                error = "the Rekor bundle's logID is not hex";
                return false;
            }

            using var entryBody = JsonDocument.Parse(bodyBytes);
            var kind = entryBody.RootElement.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString()! : "";
            var version = entryBody.RootElement.TryGetProperty("apiVersion", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
            entry = new RekorEntry(setBytes, bodyBytes, integratedTime, logIndex, logIdBytes, kind, version);
            error = "";
            return true;
        }
        catch (JsonException e)
        {
            error = $"the Rekor bundle annotation is not valid JSON (truncated?): {e.Message}";
            return false;
        }
    }

    private static bool TryReadTimestamp(string text, out byte[]? timestamp)
    {
        timestamp = null;
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object &&
                document.RootElement.TryGetProperty("SignedRFC3161Timestamp", out var value) && value.ValueKind == JsonValueKind.String &&
                TryBase64(value.GetString()!, out timestamp);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The first PEM CERTIFICATE block, decoded; never throws.</summary>
    public static bool TryDecodeCertificate(string pem, out byte[] der)
    {
        der = [];
        const string begin = "-----BEGIN CERTIFICATE-----";
        const string end = "-----END CERTIFICATE-----";
        var start = pem.IndexOf(begin, StringComparison.Ordinal);
        var stop = start < 0 ? -1 : pem.IndexOf(end, start, StringComparison.Ordinal);
        if (stop < 0)
        {
            return false;
        }

        var body = string.Concat(pem.AsSpan(start + begin.Length, stop - start - begin.Length).ToString().Where(c => !char.IsWhiteSpace(c)));
        return TryBase64(body, out der) && der.Length > 0;
    }

    private static bool TryBase64(string text, out byte[] bytes)
    {
        var buffer = new byte[text.Length * 3 / 4 + 3];
        if (Convert.TryFromBase64String(text, buffer, out var written))
        {
            bytes = buffer[..written];
            return true;
        }

        bytes = [];
        return false;
    }

    private static bool Fail(string failureCode, string message, out string code, out string error)
    {
        code = failureCode;
        error = message;
        return false;
    }
}
