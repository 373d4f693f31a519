using System.Text.Json.Serialization;

namespace Gatehouse.Oci;

/// <summary>An OCI image manifest or a Docker v2 schema 2 manifest (same shape), including OCI 1.1 artifact fields.</summary>
public sealed record OciImageManifest
{
    [JsonPropertyName("schemaVersion")]
    public int SchemaVersion { get; init; } = 2;

    [JsonPropertyName("mediaType")]
    public string? MediaType { get; init; }

    [JsonPropertyName("artifactType")]
    public string? ArtifactType { get; init; }

    [JsonPropertyName("config")]
    public required OciDescriptor Config { get; init; }

    [JsonPropertyName("layers")]
    public IReadOnlyList<OciDescriptor> Layers { get; init; } = [];

    [JsonPropertyName("subject")]
    public OciDescriptor? Subject { get; init; }

    [JsonPropertyName("annotations")]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}

/// <summary>An OCI image index or a Docker manifest list (same shape).</summary>
public sealed record OciImageIndex
{
    [JsonPropertyName("schemaVersion")]
    public int SchemaVersion { get; init; } = 2;

    [JsonPropertyName("mediaType")]
    public string? MediaType { get; init; }

    [JsonPropertyName("artifactType")]
    public string? ArtifactType { get; init; }

    [JsonPropertyName("manifests")]
    public IReadOnlyList<OciDescriptor> Manifests { get; init; } = [];

    [JsonPropertyName("subject")]
    public OciDescriptor? Subject { get; init; }

    [JsonPropertyName("annotations")]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}

/// <summary>The fields every manifest kind shares, read first to decide how to parse the rest.</summary>
internal sealed record ManifestProbe
{
    [JsonPropertyName("schemaVersion")]
    public int SchemaVersion { get; init; }

    [JsonPropertyName("mediaType")]
    public string? MediaType { get; init; }

    [JsonPropertyName("manifests")]
    public System.Text.Json.JsonElement? Manifests { get; init; }

    [JsonPropertyName("config")]
    public System.Text.Json.JsonElement? Config { get; init; }
}
