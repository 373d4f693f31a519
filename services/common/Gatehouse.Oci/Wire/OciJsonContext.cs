using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gatehouse.Oci;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OciImageManifest))]
[JsonSerializable(typeof(OciImageIndex))]
[JsonSerializable(typeof(OciImageConfig))]
[JsonSerializable(typeof(ManifestProbe))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(TagList))]
[JsonSerializable(typeof(RegistryErrorList))]
[JsonSerializable(typeof(OciLayoutMarker))]
internal sealed partial class OciJsonContext : JsonSerializerContext;

/// <summary>Serialization entry points for OCI documents.</summary>
public static class OciJson
{
    // The default encoder escapes '+' (as in "+json" media types); manifests are not HTML,
    // and readable bytes make pushed manifests easier to inspect with other tools.
    private static readonly OciJsonContext Context = new(new JsonSerializerOptions
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static byte[] Serialize(OciImageManifest manifest) =>
        JsonSerializer.SerializeToUtf8Bytes(manifest, Context.OciImageManifest);

    public static byte[] Serialize(OciImageIndex index) =>
        JsonSerializer.SerializeToUtf8Bytes(index, Context.OciImageIndex);

    public static byte[] Serialize(OciImageConfig config) =>
        JsonSerializer.SerializeToUtf8Bytes(config, Context.OciImageConfig);

    public static OciImageManifest DeserializeManifest(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, Context.OciImageManifest) ?? throw new JsonException("manifest is null");

    public static OciImageIndex DeserializeIndex(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, Context.OciImageIndex) ?? throw new JsonException("index is null");

    public static OciImageConfig DeserializeConfig(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, Context.OciImageConfig) ?? throw new JsonException("config is null");

    internal static T Deserialize<T>(ReadOnlySpan<byte> json)
        where T : class =>
        (T?)JsonSerializer.Deserialize(json, typeof(T), Context) ?? throw new JsonException($"{typeof(T).Name} is null");

    internal static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, typeof(T), Context);
}
