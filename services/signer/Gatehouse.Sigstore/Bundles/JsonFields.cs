using System.Globalization;
using System.Text.Json;

namespace Gatehouse.Sigstore.Bundles;

/// <summary>
/// Strict accessors for untrusted JSON (bundles, Rekor entry bodies). Any missing or mistyped field raises a
/// <see cref="VerificationException"/> with the reason the caller chose for that document.
/// </summary>
internal readonly struct JsonFields(VerificationFailureReason reason, string documentName)
{
    public JsonElement Object(JsonElement owner, string name) =>
        Optional(owner, name) is { ValueKind: JsonValueKind.Object } value ? value : throw Missing(name, "an object");

    public JsonElement? OptionalObject(JsonElement owner, string name) => Optional(owner, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Object } value => value,
        _ => throw Missing(name, "an object"),
    };

    public JsonElement Array(JsonElement owner, string name) =>
        Optional(owner, name) is { ValueKind: JsonValueKind.Array } value ? value : throw Missing(name, "an array");

    public string String(JsonElement owner, string name) =>
        Optional(owner, name) is { ValueKind: JsonValueKind.String } value ? value.GetString()! : throw Missing(name, "a string");

    public string? OptionalString(JsonElement owner, string name) => Optional(owner, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } value => value.GetString(),
        _ => throw Missing(name, "a string"),
    };

    public byte[] Base64(JsonElement owner, string name) =>
        DecodeBase64(String(owner, name), name);

    public byte[]? OptionalBase64(JsonElement owner, string name) =>
        OptionalString(owner, name) is { } text ? DecodeBase64(text, name) : null;

    /// <summary>Protobuf int64 is a JSON string; a plain number is accepted too.</summary>
    public long Int64(JsonElement owner, string name) =>
        OptionalInt64(owner, name) ?? throw Missing(name, "an integer");

    public long? OptionalInt64(JsonElement owner, string name)
    {
        switch (Optional(owner, name))
        {
            case null:
                return null;
            case { ValueKind: JsonValueKind.Number } number when number.TryGetInt64(out var value):
                return value;
            case { ValueKind: JsonValueKind.String } text when
                long.TryParse(text.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed):
                return parsed;
            default:
                throw Missing(name, "an integer");
        }
    }

    public byte[] DecodeBase64(string text, string name)
    {
        var buffer = new byte[text.Length * 3 / 4 + 3];
        return Convert.TryFromBase64String(text, buffer, out var written)
            ? buffer.AsSpan(0, written).ToArray()
            : throw new VerificationException(reason, $"{documentName}: {name} is not valid base64");
    }

    public VerificationException Invalid(string message) => new(reason, $"{documentName}: {message}");

    private static JsonElement? Optional(JsonElement owner, string name) =>
        owner.ValueKind == JsonValueKind.Object && owner.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : null;

    private VerificationException Missing(string name, string expected) =>
        new(reason, $"{documentName}: {name} must be {expected}");
}
