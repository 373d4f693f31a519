using System.Text.Json;

namespace Gatehouse.Signer.Formats;

/// <summary>
/// cosign's simple-signing payload: <c>{"critical":{"identity":{"docker-reference":…},"image":{"docker-manifest-digest":…},
/// "type":"cosign container image signature"},"optional":…}</c>. Signatures cover the exact bytes, so verification reads
/// the bytes it was given and never re-serialises them.
/// </summary>
public sealed record SimpleSigningPayload(string Type, string ManifestDigest, string? DockerReference, IReadOnlyDictionary<string, string> Optional)
{
    /// <summary>Byte-exact as cosign (Go's encoding/json) writes it: fixed key order, sorted optional keys, <c>null</c> when none.</summary>
    public static byte[] Create(string dockerReference, string digest, IReadOnlyDictionary<string, string>? optional = null)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartObject("critical");
            json.WriteStartObject("identity");
            json.WriteString("docker-reference", dockerReference);
            json.WriteEndObject();
            json.WriteStartObject("image");
            json.WriteString("docker-manifest-digest", digest);
            json.WriteEndObject();
            json.WriteString("type", CosignFormats.SignatureType);
            json.WriteEndObject();
            if (optional is { Count: > 0 })
            {
                json.WriteStartObject("optional");
                foreach (var (key, value) in optional.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("optional");
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Parses untrusted payload bytes; false with a reason when they are not a simple-signing payload.</summary>
    public static bool TryParse(ReadOnlySpan<byte> bytes, out SimpleSigningPayload? payload, out string error)
    {
        payload = null;
        try
        {
            var reader = new Utf8JsonReader(bytes);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object ||
                !root.TryGetProperty("critical", out var critical) || critical.ValueKind != JsonValueKind.Object)
            {
                error = "the payload has no 'critical' object";
                return false;
            }

            var type = critical.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : null;
            var digest = critical.TryGetProperty("image", out var image) && image.ValueKind == JsonValueKind.Object &&
                image.TryGetProperty("docker-manifest-digest", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            var reference = critical.TryGetProperty("identity", out var identity) && identity.ValueKind == JsonValueKind.Object &&
                identity.TryGetProperty("docker-reference", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            if (type is null || digest is null)
            {
                error = "the payload lacks critical.type or critical.image.docker-manifest-digest";
                return false;
            }

            var optional = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("optional", out var extra) && extra.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in extra.EnumerateObject())
                {
                    optional[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
                }
            }

            payload = new SimpleSigningPayload(type, digest, reference, optional);
            error = "";
            return true;
        }
        catch (JsonException e)
        {
            error = $"the payload is not JSON: {e.Message}";
            return false;
        }
    }
}
