using System.Text.Json.Serialization;
using Gatehouse.Scanner.Advisories.Severity;

namespace Gatehouse.Scanner.Advisories;

[JsonConverter(typeof(JsonStringEnumConverter<FixState>))]
public enum FixState
{
    // At least one fixed version is known.
    [JsonStringEnumMemberName("fixed")]
    Fixed,

    // Affected from the introducing version on, with no fix published.
    [JsonStringEnumMemberName("not-fixed")]
    NotFixed,

    // Affected, but the advisory gives no fix (a last_affected ceiling, a versions list), or not evaluated.
    [JsonStringEnumMemberName("unknown")]
    Unknown,
}

[JsonConverter(typeof(JsonStringEnumConverter<FindingStatus>))]
public enum FindingStatus
{
    [JsonStringEnumMemberName("affected")]
    Affected,

    // The advisory names the package but the version could not be placed (reason says why).
    [JsonStringEnumMemberName("not-evaluated")]
    NotEvaluated,

    // A VEX statement says not_affected/fixed; kept visible with its justification.
    [JsonStringEnumMemberName("suppressed")]
    Suppressed,
}

// The package a finding is about, as the inventory reported it.
public sealed record FindingPackage
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("version")]
    public required string Version { get; init; }

    [JsonPropertyName("purl")]
    public string? Purl { get; init; }

    // OSV ecosystem the package was matched in, with release for OS packages ("Debian:12").
    [JsonPropertyName("ecosystem")]
    public required string Ecosystem { get; init; }

    [JsonPropertyName("sourceName")]
    public string? SourceName { get; init; }

    [JsonPropertyName("sourceVersion")]
    public string? SourceVersion { get; init; }
}

// Why a finding is suppressed (filled by VEX processing).
public sealed record Suppression
{
    // OpenVEX/CycloneDX justification, e.g. "vulnerable_code_not_in_execute_path".
    [JsonPropertyName("justification")]
    public required string Justification { get; init; }

    // VEX status that suppressed it: "not_affected" or "fixed".
    [JsonPropertyName("status")]
    public required string Status { get; init; }

    // Where the statement came from (document path, referrer digest).
    [JsonPropertyName("source")]
    public string? Source { get; init; }
}

// One vulnerability in one package: all OSV records that alias each other, merged. The JSON
// field names are the documented, stored report format.
public sealed record Finding
{
    // Preferred id: the lowest CVE id among the merged ids, else the lowest record id.
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    // Every other id the merged records carry (record ids and their aliases), sorted.
    [JsonPropertyName("aliases")]
    public required IReadOnlyList<string> Aliases { get; init; }

    // The OSV records that matched, sorted: the provenance of this finding.
    [JsonPropertyName("records")]
    public required IReadOnlyList<string> Records { get; init; }

    [JsonPropertyName("summary")]
    public string? Summary { get; init; }

    [JsonPropertyName("package")]
    public required FindingPackage Package { get; init; }

    // The version compared with the advisories: the source version for OS packages.
    [JsonPropertyName("installedVersion")]
    public required string InstalledVersion { get; init; }

    // Versions that fix it, ordered by the ecosystem's version scheme; empty when none is known.
    [JsonPropertyName("fixedVersions")]
    public required IReadOnlyList<string> FixedVersions { get; init; }

    [JsonPropertyName("fixState")]
    public required FixState FixState { get; init; }

    [JsonPropertyName("severity")]
    public required SeverityRating Severity { get; init; }

    [JsonPropertyName("advisoryDataVersion")]
    public required string AdvisoryDataVersion { get; init; }

    [JsonPropertyName("status")]
    public required FindingStatus Status { get; init; }

    // For not-evaluated findings: what could not be evaluated and why.
    [JsonPropertyName("reason")]
    public string? Reason { get; init; }

    [JsonPropertyName("suppression")]
    public Suppression? Suppression { get; init; }
}

// The findings for one inventory against one advisory data version.
public sealed record MatchResult(
    [property: JsonPropertyName("advisoryDataVersion")] string AdvisoryDataVersion,
    [property: JsonPropertyName("findings")] IReadOnlyList<Finding> Findings)
{
    public int Count(SeverityLevel level, bool fixableOnly = false) =>
        Findings.Count(f => f.Status == FindingStatus.Affected && f.Severity.Level == level && (!fixableOnly || f.FixState == FixState.Fixed));

    public int NotEvaluated => Findings.Count(f => f.Status == FindingStatus.NotEvaluated);
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Finding))]
[JsonSerializable(typeof(MatchResult))]
public sealed partial class FindingJsonContext : JsonSerializerContext;
