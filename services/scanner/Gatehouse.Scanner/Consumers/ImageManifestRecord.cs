using System.Text.Json.Serialization;

namespace Gatehouse.Scanner.Consumers;

/// <summary>What the scanner read from an image's manifest and config, stored per digest.</summary>
public sealed record ImageManifestRecord(
    string Registry,
    string Repository,
    string Digest,
    string MediaType,
    string Os,
    string Architecture,
    string? Variant,
    IReadOnlyList<LayerRecord> Layers,
    DateTimeOffset InspectedAt);

public sealed record LayerRecord(string Digest, string MediaType, long Size, string? DiffId);

[JsonSerializable(typeof(ImageManifestRecord))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
public sealed partial class ScannerJsonContext : JsonSerializerContext;
