using System.Text.Json;

namespace Gatehouse.Signer.Formats;

/// <summary>An in-toto statement (v0.1 or v1): subjects by digest, the predicate type and the predicate itself (raw JSON).</summary>
public sealed record InTotoStatement(string Type, string PredicateType, IReadOnlyList<InTotoSubject> Subjects, JsonElement Predicate)
{
    public const string V01 = "https://in-toto.io/Statement/v0.1";
    public const string V1 = "https://in-toto.io/Statement/v1";

    /// <summary>True when a subject names <paramref name="digest"/> (<c>sha256:&lt;hex&gt;</c> or <c>sha512:&lt;hex&gt;</c>).</summary>
    public bool NamesDigest(string digest)
    {
        var colon = digest.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        var (algorithm, hex) = (digest[..colon], digest[(colon + 1)..]);
        return Subjects.Any(s => s.Digests.TryGetValue(algorithm, out var value) && string.Equals(value, hex, StringComparison.OrdinalIgnoreCase));
    }

    public static bool TryParse(ReadOnlySpan<byte> bytes, out InTotoStatement? statement, out string error)
    {
        statement = null;
        try
        {
            var reader = new Utf8JsonReader(bytes);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            var type = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("_type", out var t) && t.ValueKind == JsonValueKind.String
                ? t.GetString()!
                : "";
            if (type is not (V01 or V1))
            {
                error = $"'{type}' is not an in-toto statement type";
                return false;
            }

            var predicateType = root.TryGetProperty("predicateType", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : "";
            if (predicateType.Length == 0 || !root.TryGetProperty("subject", out var subjects) || subjects.ValueKind != JsonValueKind.Array)
            {
                error = "the in-toto statement lacks predicateType or subject";
                return false;
            }

            var parsed = new List<InTotoSubject>();
            foreach (var subject in subjects.EnumerateArray())
            {
                var digests = new Dictionary<string, string>(StringComparer.Ordinal);
                if (subject.ValueKind == JsonValueKind.Object && subject.TryGetProperty("digest", out var d) && d.ValueKind == JsonValueKind.Object)
                {
                    foreach (var entry in d.EnumerateObject().Where(e => e.Value.ValueKind == JsonValueKind.String))
                    {
                        digests[entry.Name] = entry.Value.GetString()!;
                    }
                }

                var name = subject.ValueKind == JsonValueKind.Object && subject.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String
                    ? n.GetString()
                    : null;
                parsed.Add(new InTotoSubject(name, digests));
            }

            var predicate = root.TryGetProperty("predicate", out var body) ? body.Clone() : default;
            statement = new InTotoStatement(type, predicateType, parsed, predicate);
            error = "";
            return true;
        }
        catch (JsonException e)
        {
            error = $"the in-toto statement is not JSON: {e.Message}";
            return false;
        }
    }

    /// <summary>A v0.1 statement as cosign attest writes it: one subject (repository name, sha256 digest) and the predicate.</summary>
    public static byte[] Create(string subjectName, string digest, string predicateType, ReadOnlySpan<byte> predicateJson)
    {
        var colon = digest.IndexOf(':', StringComparison.Ordinal);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("_type", V01);
            json.WriteString("predicateType", predicateType);
            json.WriteStartArray("subject");
            json.WriteStartObject();
            json.WriteString("name", subjectName);
            json.WriteStartObject("digest");
            json.WriteString(digest[..colon], digest[(colon + 1)..]);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WritePropertyName("predicate");
            json.WriteRawValue(predicateJson, skipInputValidation: false);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}

public sealed record InTotoSubject(string? Name, IReadOnlyDictionary<string, string> Digests);
