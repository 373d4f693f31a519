using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatehouse.Policy.Model;

/// <summary>
/// Content identity of a policy: SHA-256 over its spec in canonical JSON (keys sorted, no whitespace) and the
/// key ids its key authorities resolved to, so a rotated key in a Secret changes it although the spec did not.
/// </summary>
public static class PolicyFingerprint
{
    public static string Compute(JsonNode spec, IEnumerable<string> resolvedKeyIds)
    {
        ArgumentNullException.ThrowIfNull(spec);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteCanonical(writer, spec);
        }
        foreach (var keyId in resolvedKeyIds.Order(StringComparer.Ordinal))
        {
            buffer.Write(Encoding.UTF8.GetBytes("\n" + keyId));
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    /// <summary>A positive number below 2^53 from the first bytes of a fingerprint (a 53-bit collision space).</summary>
    public static long ToGeneration(string fingerprint)
    {
        Span<byte> bytes = stackalloc byte[8];
        Convert.FromHexString(fingerprint.AsSpan(0, 16), bytes, out _, out _);
        var value = (long)(BinaryPrimitives.ReadUInt64BigEndian(bytes) >> 11);
        return value == 0 ? 1 : value;
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (name, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(name);
                    WriteCanonical(writer, value);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array) WriteCanonical(writer, item);
                writer.WriteEndArray();
                break;
            case null:
                writer.WriteNullValue();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}

/// <summary>Public keys in PEM, identified the way the signer reports verified keys.</summary>
public static class PublicKeys
{
    /// <summary>
    /// <c>sha256:&lt;hex&gt;</c> of the DER SubjectPublicKeyInfo of the single <c>PUBLIC KEY</c> PEM block. Any
    /// algorithm is accepted (ECDSA, RSA, Ed25519): the policy only names the key; the signer verifies with it.
    /// </summary>
    public static bool TryKeyId(string pem, out string keyId, out string error)
    {
        keyId = "";
        error = "";
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            error = "is not PEM (expected -----BEGIN PUBLIC KEY-----)";
            return false;
        }
        var label = pem.AsSpan()[fields.Label];
        if (!label.SequenceEqual("PUBLIC KEY"))
        {
            error = label.Contains("PRIVATE", StringComparison.Ordinal)
                ? "is a PRIVATE key; a policy must hold only the public key"
                : $"is a '{label}' PEM block; expected PUBLIC KEY";
            return false;
        }
        var der = new byte[fields.DecodedDataLength];
        if (!Convert.TryFromBase64Chars(pem.AsSpan()[fields.Base64Data], der, out var written))
        {
            error = "has PEM content that is not valid base64";
            return false;
        }
        if (!IsSubjectPublicKeyInfo(der.AsSpan(0, written)))
        {
            error = "is not a DER SubjectPublicKeyInfo";
            return false;
        }
        keyId = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(der.AsSpan(0, written)));
        return true;
    }

    private static bool IsSubjectPublicKeyInfo(ReadOnlySpan<byte> der)
    {
        try
        {
            // SEQUENCE { SEQUENCE { OID algorithm, params? }, BIT STRING key } and nothing after it.
            AsnDecoder.ReadSequence(der, AsnEncodingRules.DER, out var contentOffset, out var contentLength, out var consumed);
            if (consumed != der.Length) return false;
            var content = der.Slice(contentOffset, contentLength);
            AsnDecoder.ReadSequence(content, AsnEncodingRules.DER, out var algOffset, out var algLength, out var algConsumed);
            AsnDecoder.ReadObjectIdentifier(content.Slice(algOffset, algLength), AsnEncodingRules.DER, out _);
            AsnDecoder.ReadBitString(content[algConsumed..], AsnEncodingRules.DER, out _, out var bitsConsumed);
            return algConsumed + bitsConsumed == content.Length;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }
}
