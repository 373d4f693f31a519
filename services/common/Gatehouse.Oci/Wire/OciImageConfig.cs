using System.Text.Json.Serialization;

namespace Gatehouse.Oci;

/// <summary>The image configuration blob (OCI image config / Docker container image v1).</summary>
public sealed record OciImageConfig
{
    [JsonPropertyName("created")]
    public DateTimeOffset? Created { get; init; }

    [JsonPropertyName("author")]
    public string? Author { get; init; }

    [JsonPropertyName("architecture")]
    public string Architecture { get; init; } = "";

    [JsonPropertyName("os")]
    public string Os { get; init; } = "";

    [JsonPropertyName("os.version")]
    public string? OsVersion { get; init; }

    [JsonPropertyName("variant")]
    public string? Variant { get; init; }

    [JsonPropertyName("config")]
    public OciContainerConfig? Config { get; init; }

    [JsonPropertyName("rootfs")]
    public OciRootFs RootFs { get; init; } = new();

    [JsonPropertyName("history")]
    public IReadOnlyList<OciHistoryEntry>? History { get; init; }

    /// <summary>Labels from the container config (empty when none).</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, string> Labels =>
        Config?.Labels ?? (IReadOnlyDictionary<string, string>)new Dictionary<string, string>();
}

/// <summary>The execution parameters in an image config (Docker's capitalized field names).</summary>
public sealed record OciContainerConfig
{
    [JsonPropertyName("User")]
    public string? User { get; init; }

    [JsonPropertyName("Env")]
    public IReadOnlyList<string>? Env { get; init; }

    [JsonPropertyName("Entrypoint")]
    public IReadOnlyList<string>? Entrypoint { get; init; }

    [JsonPropertyName("Cmd")]
    public IReadOnlyList<string>? Cmd { get; init; }

    [JsonPropertyName("WorkingDir")]
    public string? WorkingDir { get; init; }

    [JsonPropertyName("Labels")]
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
}

public sealed record OciRootFs
{
    [JsonPropertyName("type")]
    public string Type { get; init; } = "layers";

    /// <summary>Digests of the uncompressed layer tars, in layer order.</summary>
    [JsonPropertyName("diff_ids")]
    public IReadOnlyList<string> DiffIds { get; init; } = [];
}

public sealed record OciHistoryEntry
{
    [JsonPropertyName("created")]
    public DateTimeOffset? Created { get; init; }

    [JsonPropertyName("created_by")]
    public string? CreatedBy { get; init; }

    [JsonPropertyName("author")]
    public string? Author { get; init; }

    [JsonPropertyName("comment")]
    public string? Comment { get; init; }

    /// <summary>True when this step produced no layer (so history and layers do not align one to one).</summary>
    [JsonPropertyName("empty_layer")]
    public bool? EmptyLayer { get; init; }
}
