using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gatehouse.Signer.Formats;

/// <summary>A DSSE envelope as cosign stores it in <c>.att</c> layers: <c>{"payloadType","payload","signatures":[{"keyid","sig"}]}</c>.</summary>
public sealed record DsseEnvelope(
    [property: JsonPropertyName("payloadType")] string PayloadType,
    [property: JsonPropertyName("payload")] byte[] Payload,
    [property: JsonPropertyName("signatures")] IReadOnlyList<DsseSignature> Signatures)
{
    /// <summary>PAE(type, body) = "DSSEv1" SP len(type) SP type SP len(body) SP body; what every DSSE signature covers.</summary>
    public static byte[] PreAuthenticationEncoding(string payloadType, ReadOnlySpan<byte> payload)
    {
        var type = Encoding.UTF8.GetBytes(payloadType);
        var header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"DSSEv1 {type.Length} "));
        var middle = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $" {payload.Length} "));
        var result = new byte[header.Length + type.Length + middle.Length + payload.Length];
        header.CopyTo(result, 0);
        type.CopyTo(result, header.Length);
        middle.CopyTo(result, header.Length + type.Length);
        payload.CopyTo(result.AsSpan(header.Length + type.Length + middle.Length));
        return result;
    }

    public byte[] PreAuthenticationEncoding() => PreAuthenticationEncoding(PayloadType, Payload);

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, SignerJsonContext.Default.DsseEnvelope);

    /// <summary>Parses untrusted envelope bytes; false with a reason when they are not a DSSE envelope with a signature.</summary>
    public static bool TryParse(ReadOnlySpan<byte> bytes, out DsseEnvelope? envelope, out string error)
    {
        envelope = null;
        try
        {
            var parsed = JsonSerializer.Deserialize(bytes, SignerJsonContext.Default.DsseEnvelope);
            if (parsed is null || string.IsNullOrEmpty(parsed.PayloadType) || parsed.Payload is null)
            {
                error = "the DSSE envelope lacks payloadType or payload";
                return false;
            }

            if (parsed.Signatures is not { Count: > 0 } || parsed.Signatures.Any(s => s?.Sig is not { Length: > 0 }))
            {
                error = "the DSSE envelope carries no signature";
                return false;
            }

            envelope = parsed;
            error = "";
            return true;
        }
        catch (Exception e) when (e is JsonException or FormatException or NotSupportedException)
        {
            error = $"the DSSE envelope is malformed: {e.Message}";
            return false;
        }
    }
}

/// <summary>One DSSE signature (base64 in JSON).</summary>
public sealed record DsseSignature(
    [property: JsonPropertyName("keyid")] string? KeyId,
    [property: JsonPropertyName("sig")] byte[] Sig);
