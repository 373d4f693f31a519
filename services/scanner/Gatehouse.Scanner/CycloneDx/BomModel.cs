using System.Text.Json.Serialization;

namespace Gatehouse.Scanner.CycloneDx;

// The subset of CycloneDX 1.6 that Gatehouse writes and reads back. Property declaration order is the
// JSON order (source generation keeps it), which keeps the output stable. Unknown fields of foreign
// SBOMs are ignored on read.

public sealed record Bom
{
    public const string Format = "CycloneDX";
    public const string SpecVersion16 = "1.6";

    [JsonPropertyName("bomFormat")]
    [JsonRequired]
    public string BomFormat { get; init; } = Format;

    [JsonPropertyName("specVersion")]
    [JsonRequired]
    public string SpecVersion { get; init; } = SpecVersion16;

    [JsonPropertyName("serialNumber")]
    public string? SerialNumber { get; init; }

    [JsonPropertyName("version")]
    public int Version { get; init; } = 1;

    [JsonPropertyName("metadata")]
    public BomMetadata? Metadata { get; init; }

    [JsonPropertyName("components")]
    public IReadOnlyList<BomComponent>? Components { get; init; }

    [JsonPropertyName("dependencies")]
    public IReadOnlyList<BomDependency>? Dependencies { get; init; }
}

public sealed record BomMetadata
{
    [JsonPropertyName("timestamp")]
    [JsonConverter(typeof(BomTimestampConverter))]
    public DateTimeOffset? Timestamp { get; init; }

    [JsonPropertyName("tools")]
    [JsonConverter(typeof(BomToolsConverter))]
    public BomTools? Tools { get; init; }

    [JsonPropertyName("component")]
    public BomComponent? Component { get; init; }

    [JsonPropertyName("properties")]
    public IReadOnlyList<BomProperty>? Properties { get; init; }
}

public sealed record BomTools
{
    [JsonPropertyName("components")]
    public IReadOnlyList<BomComponent>? Components { get; init; }
}

public sealed record BomComponent
{
    [JsonPropertyName("type")]
    public string Type { get; init; } = BomComponentType.Library;

    [JsonPropertyName("bom-ref")]
    public string? BomRef { get; init; }

    [JsonPropertyName("group")]
    public string? Group { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("version")]
    public string? Version { get; init; }

    [JsonPropertyName("description")]
    public string? Description { get; init; }

    [JsonPropertyName("hashes")]
    public IReadOnlyList<BomHash>? Hashes { get; init; }

    [JsonPropertyName("licenses")]
    public IReadOnlyList<BomLicenseChoice>? Licenses { get; init; }

    [JsonPropertyName("purl")]
    public string? Purl { get; init; }

    [JsonPropertyName("properties")]
    public IReadOnlyList<BomProperty>? Properties { get; init; }
}

public static class BomComponentType
{
    public const string Application = "application";
    public const string Library = "library";
    public const string Container = "container";
    public const string OperatingSystem = "operating-system";
}

public sealed record BomHash(
    [property: JsonPropertyName("alg")] string Algorithm,
    [property: JsonPropertyName("content")] string Content);

/// <summary>One entry of a CycloneDX license choice: either a license (id or name) or an SPDX
/// expression. The schema forbids mixing the two in one array; <see cref="BomLicenses"/> keeps that.</summary>
public sealed record BomLicenseChoice
{
    [JsonPropertyName("license")]
    public BomLicense? License { get; init; }

    [JsonPropertyName("expression")]
    public string? Expression { get; init; }
}

public sealed record BomLicense
{
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("url")]
    public string? Url { get; init; }
}

public sealed record BomProperty(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("value")] string? Value);

public sealed record BomDependency
{
    [JsonPropertyName("ref")]
    public required string Ref { get; init; }

    [JsonPropertyName("dependsOn")]
    public IReadOnlyList<string>? DependsOn { get; init; }
}
