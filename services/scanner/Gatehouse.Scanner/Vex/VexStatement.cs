using System.Text.Json.Serialization;

namespace Gatehouse.Scanner.Vex;

/// <summary>The four VEX impact statuses (OpenVEX names; CycloneDX analysis states map onto them).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<VexStatus>))]
public enum VexStatus
{
    [JsonStringEnumMemberName("not_affected")]
    NotAffected,

    [JsonStringEnumMemberName("affected")]
    Affected,

    [JsonStringEnumMemberName("fixed")]
    Fixed,

    [JsonStringEnumMemberName("under_investigation")]
    UnderInvestigation,
}

/// <summary>
/// A product a statement speaks about: every identifier it was given (an <c>@id</c>, a purl, an image digest as
/// <c>sha256:…</c>), and the subcomponents (purls) inside it the statement narrows to.
/// </summary>
public sealed record VexProduct(
    [property: JsonPropertyName("identifiers")] IReadOnlyList<string> Identifiers,
    [property: JsonPropertyName("subcomponents")] IReadOnlyList<string> Subcomponents);

/// <summary>One VEX statement, format-neutral: vulnerability (and aliases) + products + status, with the reasons.</summary>
public sealed record VexStatement
{
    [JsonPropertyName("vulnerability")]
    public required string Vulnerability { get; init; }

    [JsonPropertyName("aliases")]
    public IReadOnlyList<string> Aliases { get; init; } = [];

    [JsonPropertyName("products")]
    public required IReadOnlyList<VexProduct> Products { get; init; }

    [JsonPropertyName("status")]
    public required VexStatus Status { get; init; }

    /// <summary>Machine-readable justification label (OpenVEX, or CycloneDX's analysis.justification).</summary>
    [JsonPropertyName("justification")]
    public string? Justification { get; init; }

    [JsonPropertyName("impactStatement")]
    public string? ImpactStatement { get; init; }

    [JsonPropertyName("actionStatement")]
    public string? ActionStatement { get; init; }

    /// <summary>When the statement was made (its own, else its document's); null sorts before any time.</summary>
    [JsonPropertyName("timestamp")]
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>Where it came from: <c>file:&lt;path&gt;</c> or <c>referrer:&lt;digest&gt;</c>.</summary>
    [JsonPropertyName("source")]
    public required string Source { get; init; }

    public bool Names(string id) =>
        string.Equals(Vulnerability, id, StringComparison.OrdinalIgnoreCase)
        || Aliases.Any(a => string.Equals(a, id, StringComparison.OrdinalIgnoreCase));
}

/// <summary>What reading one VEX document gave: its statements, or why it could not be read.</summary>
public sealed record VexDocument(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("statements")] IReadOnlyList<VexStatement> Statements,
    [property: JsonPropertyName("error")] string? Error = null)
{
    public static VexDocument Unreadable(string source, string error) => new(source, "unknown", [], error);
}

/// <summary>The VEX documents found among an image's referrers, as cached per digest in the store.</summary>
public sealed record CachedVex(
    [property: JsonPropertyName("digest")] string Digest,
    [property: JsonPropertyName("documents")] IReadOnlyList<VexDocument> Documents,
    [property: JsonPropertyName("readAt")] DateTimeOffset ReadAt);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CachedVex))]
internal sealed partial class VexJsonContext : JsonSerializerContext;
