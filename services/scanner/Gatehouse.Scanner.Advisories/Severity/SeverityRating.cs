using System.Text.Json;
using System.Text.Json.Serialization;
using Gatehouse.Scanner.Advisories.Osv;

namespace Gatehouse.Scanner.Advisories.Severity;

// Where a severity came from: the OSV record, the JSON field inside it, and what kind of value it
// was: CVSS_V4, CVSS_V3, CVSS_V2, Ubuntu (a priority word), or TEXT (a database_specific or
// ecosystem_specific word such as GHSA's "MODERATE" or Debian's urgency).
public sealed record SeveritySource(
    [property: JsonPropertyName("record")] string Record,
    [property: JsonPropertyName("field")] string Field,
    [property: JsonPropertyName("type")] string Type);

// A finding's severity: the level always; score and vector when the source was a CVSS vector,
// the word as written when it was a rating word. No source means no record stated a severity.
public sealed record SeverityRating(
    [property: JsonPropertyName("level")] SeverityLevel Level,
    [property: JsonPropertyName("score")] double? Score,
    [property: JsonPropertyName("vector")] string? Vector,
    [property: JsonPropertyName("text")] string? Text,
    [property: JsonPropertyName("source")] SeveritySource? Source)
{
    public static SeverityRating None { get; } = new(SeverityLevel.Unknown, null, null, null, null);
}

// Severities a record states for one affected package, best first. Policy, in one place:
// a CVSS vector scored by the specification beats a database's word, v4 before v3; then the
// publishing database's own rating (Ubuntu priority, GHSA database_specific.severity, Debian
// urgency); CVSS v2 last (superseded, and it has no critical band). A vector that cannot be
// scored and a word that maps to no level are passed over, not guessed.
internal static class SeverityCandidates
{
    private const int RankV4 = 0, RankV3 = 1, RankUbuntu = 2, RankText = 3, RankV2 = 4;

    public static IReadOnlyList<(int Rank, SeverityRating Rating)> For(OsvRecord record, int affectedIndex)
    {
        string id = record.Id ?? string.Empty;
        var found = new List<(int Rank, SeverityRating Rating)>();
        OsvAffected? affected = affectedIndex >= 0 && affectedIndex < (record.Affected?.Count ?? 0) ? record.Affected![affectedIndex] : null;

        // A package-level severity list replaces the record-level one (the schema forbids both).
        (IReadOnlyList<OsvSeverity>? list, string path) = affected?.Severity is { Count: > 0 }
            ? (affected.Severity, $"affected[{affectedIndex}].severity")
            : (record.Severity, "severity");
        for (int i = 0; i < (list?.Count ?? 0); i++)
        {
            AddSeverity(found, id, $"{path}[{i}]", list![i]);
        }

        if (affected is not null)
        {
            AddText(found, id, $"affected[{affectedIndex}].database_specific", affected.DatabaseSpecific);
            AddText(found, id, $"affected[{affectedIndex}].ecosystem_specific", affected.EcosystemSpecific);
        }

        AddText(found, id, "database_specific", record.DatabaseSpecific);
        return [.. found.OrderBy(f => f.Rank)]; // stable: within a rank, record order is kept
    }

    private static void AddSeverity(List<(int, SeverityRating)> found, string id, string field, OsvSeverity severity)
    {
        string type = severity.Type ?? string.Empty;
        CvssScore? score = null;
        int rank = type switch
        {
            "CVSS_V4" when Cvss4.TryScore(severity.Score, out score, out _) => RankV4,
            "CVSS_V3" when Cvss3.TryScore(severity.Score, out score, out _) => RankV3,
            "CVSS_V2" when Cvss2.TryScore(severity.Score, out score, out _) => RankV2,
            _ => -1,
        };
        if (score is not null)
        {
            found.Add((rank, new SeverityRating(score.Level, score.BaseScore, score.Vector, null, new SeveritySource(id, field, type))));
        }
        else if (type == "Ubuntu" && SeverityLevels.FromText(severity.Score) is var level && level != SeverityLevel.Unknown)
        {
            found.Add((RankUbuntu, new SeverityRating(level, null, null, severity.Score, new SeveritySource(id, field, type))));
        }
    }

    // database_specific.severity (GHSA, Alpine), ecosystem_specific.severity, Debian's urgency.
    private static void AddText(List<(int, SeverityRating)> found, string id, string field, JsonElement? element)
    {
        if (element is not { ValueKind: JsonValueKind.Object } obj)
        {
            return;
        }

        foreach (string property in (ReadOnlySpan<string>)["severity", "urgency"])
        {
            if (obj.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String
                && SeverityLevels.FromText(value.GetString()) is var level && level != SeverityLevel.Unknown)
            {
                found.Add((RankText, new SeverityRating(level, null, null, value.GetString(), new SeveritySource(id, $"{field}.{property}", "TEXT"))));
            }
        }
    }
}
