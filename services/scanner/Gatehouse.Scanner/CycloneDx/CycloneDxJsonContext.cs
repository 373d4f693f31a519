using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Gatehouse.Scanner.CycloneDx;

[JsonSerializable(typeof(Bom))]
[JsonSerializable(typeof(IReadOnlyList<BomComponent>))]
[JsonSerializable(typeof(IReadOnlyList<LegacyBomTool>))]
internal sealed partial class CycloneDxJsonContext : JsonSerializerContext
{
    /// <summary>The context the writer and reader use: LF line endings on every OS, and no escaping of
    /// `+`, `&lt;` and friends, which the default encoder turns into \u002B (purl versions have `+`).</summary>
    public static CycloneDxJsonContext Canonical { get; } = new(new JsonSerializerOptions
    {
        WriteIndented = true,
        IndentSize = 2,
        NewLine = "\n",
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}

/// <summary>Writes UTC with second precision and a `Z` (RFC 3339, what the schema's date-time wants);
/// reads any ISO 8601 date-time.</summary>
internal sealed class BomTimestampConverter : JsonConverter<DateTimeOffset?>
{
    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        var text = reader.GetString();
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var value)
            ? value
            : throw new JsonException($"metadata.timestamp '{text}' is not a date-time");
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }
        writer.WriteStringValue(value.Value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
    }
}

/// <summary>CycloneDX 1.5+ writes tools as an object; 1.4 and older as an array of tools. Stored or
/// foreign SBOMs of either shape are read; the object shape is always written.</summary>
internal sealed class BomToolsConverter : JsonConverter<BomTools?>
{
    public override BomTools? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.StartArray:
                var legacy = JsonSerializer.Deserialize(ref reader, TypeInfo<IReadOnlyList<LegacyBomTool>>(options)) ?? [];
                return new BomTools
                {
                    Components = [.. legacy.Select(t => new BomComponent
                    {
                        Type = BomComponentType.Application,
                        Group = t.Vendor,
                        Name = t.Name ?? "",
                        Version = t.Version,
                    })],
                };
            case JsonTokenType.StartObject:
                IReadOnlyList<BomComponent>? components = null;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var name = reader.GetString();
                    reader.Read();
                    if (name == "components")
                    {
                        components = JsonSerializer.Deserialize(ref reader, TypeInfo<IReadOnlyList<BomComponent>>(options));
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                return new BomTools { Components = components };
            default:
                throw new JsonException("metadata.tools must be an object or an array");
        }
    }

    public override void Write(Utf8JsonWriter writer, BomTools? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }
        writer.WriteStartObject();
        if (value.Components is not null)
        {
            writer.WritePropertyName("components");
            JsonSerializer.Serialize(writer, value.Components, TypeInfo<IReadOnlyList<BomComponent>>(options));
        }
        writer.WriteEndObject();
    }

    private static JsonTypeInfo<T> TypeInfo<T>(JsonSerializerOptions options) =>
        (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
}

internal sealed record LegacyBomTool(
    [property: JsonPropertyName("vendor")] string? Vendor,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("version")] string? Version);
