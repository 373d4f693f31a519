using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gatehouse.Scanner.Advisories.Osv;

// One OSV record (ossf/osv-schema). Timestamps stay strings so a record with an odd timestamp is
// still readable; OsvTimestamps parses them where ordering matters. Unknown fields are ignored.
public sealed record OsvRecord
{
    [JsonPropertyName("schema_version")]
    public string? SchemaVersion { get; init; }

    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("modified")]
    public string? Modified { get; init; }

    [JsonPropertyName("published")]
    public string? Published { get; init; }

    [JsonPropertyName("withdrawn")]
    public string? Withdrawn { get; init; }

    [JsonPropertyName("aliases")]
    public IReadOnlyList<string>? Aliases { get; init; }

    [JsonPropertyName("related")]
    public IReadOnlyList<string>? Related { get; init; }

    [JsonPropertyName("upstream")]
    public IReadOnlyList<string>? Upstream { get; init; }

    [JsonPropertyName("summary")]
    public string? Summary { get; init; }

    [JsonPropertyName("details")]
    public string? Details { get; init; }

    [JsonPropertyName("severity")]
    public IReadOnlyList<OsvSeverity>? Severity { get; init; }

    [JsonPropertyName("affected")]
    public IReadOnlyList<OsvAffected>? Affected { get; init; }

    [JsonPropertyName("references")]
    public IReadOnlyList<OsvReference>? References { get; init; }

    [JsonPropertyName("database_specific")]
    public JsonElement? DatabaseSpecific { get; init; }

    [JsonIgnore]
    public bool IsWithdrawn => !string.IsNullOrWhiteSpace(Withdrawn);
}

public sealed record OsvSeverity
{
    // CVSS_V2, CVSS_V3, CVSS_V4 or Ubuntu.
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("score")]
    public string? Score { get; init; }
}

public sealed record OsvAffected
{
    [JsonPropertyName("package")]
    public OsvPackage? Package { get; init; }

    [JsonPropertyName("severity")]
    public IReadOnlyList<OsvSeverity>? Severity { get; init; }

    [JsonPropertyName("ranges")]
    public IReadOnlyList<OsvRange>? Ranges { get; init; }

    [JsonPropertyName("versions")]
    public IReadOnlyList<string>? Versions { get; init; }

    [JsonPropertyName("ecosystem_specific")]
    public JsonElement? EcosystemSpecific { get; init; }

    [JsonPropertyName("database_specific")]
    public JsonElement? DatabaseSpecific { get; init; }
}

public sealed record OsvPackage
{
    // OSV ecosystem, possibly with a release or registry suffix: "Debian:12", "Alpine:v3.19", "npm".
    [JsonPropertyName("ecosystem")]
    public string? Ecosystem { get; init; }

    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("purl")]
    public string? Purl { get; init; }
}

public sealed record OsvRange
{
    // ECOSYSTEM, SEMVER or GIT.
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("repo")]
    public string? Repo { get; init; }

    [JsonPropertyName("events")]
    public IReadOnlyList<OsvEvent>? Events { get; init; }

    [JsonPropertyName("database_specific")]
    public JsonElement? DatabaseSpecific { get; init; }
}

// Exactly one of the four fields is set in a well-formed event. Numbers are accepted as text
// because some feeds write {"introduced": 0}.
public sealed record OsvEvent
{
    [JsonPropertyName("introduced")]
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Introduced { get; init; }

    [JsonPropertyName("fixed")]
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Fixed { get; init; }

    [JsonPropertyName("last_affected")]
    [JsonConverter(typeof(LenientStringConverter))]
    public string? LastAffected { get; init; }

    [JsonPropertyName("limit")]
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Limit { get; init; }
}

public sealed record OsvReference
{
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("url")]
    public string? Url { get; init; }
}
