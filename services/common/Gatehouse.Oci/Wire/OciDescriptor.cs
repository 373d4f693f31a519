using System.Text.Json.Serialization;

namespace Gatehouse.Oci;

/// <summary>An OCI content descriptor: what a manifest, index or referrers list points at.</summary>
public sealed record OciDescriptor
{
    [JsonPropertyName("mediaType")]
    public required string MediaType { get; init; }

    [JsonPropertyName("digest")]
    public required string Digest { get; init; }

    [JsonPropertyName("size")]
    public required long Size { get; init; }

    [JsonPropertyName("urls")]
    public IReadOnlyList<string>? Urls { get; init; }

    [JsonPropertyName("annotations")]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    /// <summary>Base64 of the content when embedded (e.g. the empty config).</summary>
    [JsonPropertyName("data")]
    public string? Data { get; init; }

    [JsonPropertyName("platform")]
    public OciPlatform? Platform { get; init; }

    [JsonPropertyName("artifactType")]
    public string? ArtifactType { get; init; }
}

/// <summary>Platform of an index entry.</summary>
public sealed record OciPlatform
{
    [JsonPropertyName("architecture")]
    public required string Architecture { get; init; }

    [JsonPropertyName("os")]
    public required string Os { get; init; }

    [JsonPropertyName("os.version")]
    public string? OsVersion { get; init; }

    [JsonPropertyName("os.features")]
    public IReadOnlyList<string>? OsFeatures { get; init; }

    [JsonPropertyName("variant")]
    public string? Variant { get; init; }
}
