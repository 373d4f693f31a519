using System.Text.Json.Serialization;

namespace Gatehouse.Scanner.Advisories.Severity;

[JsonConverter(typeof(JsonStringEnumConverter<SeverityLevel>))]
public enum SeverityLevel
{
    [JsonStringEnumMemberName("UNKNOWN")]
    Unknown,

    [JsonStringEnumMemberName("LOW")]
    Low,

    [JsonStringEnumMemberName("MEDIUM")]
    Medium,

    [JsonStringEnumMemberName("HIGH")]
    High,

    [JsonStringEnumMemberName("CRITICAL")]
    Critical,
}

public static class SeverityLevels
{
    // CVSS v3/v4 qualitative rating scale. A 0.0 ("None") score is reported as UNKNOWN: the
    // advisory exists but its own score claims no impact, so no level is asserted.
    public static SeverityLevel FromCvss3Or4(double score) => score switch
    {
        >= 9.0 => SeverityLevel.Critical,
        >= 7.0 => SeverityLevel.High,
        >= 4.0 => SeverityLevel.Medium,
        > 0.0 => SeverityLevel.Low,
        _ => SeverityLevel.Unknown,
    };

    // CVSS v2 has no critical band (NVD: 0-3.9 low, 4-6.9 medium, 7-10 high).
    public static SeverityLevel FromCvss2(double score) => score switch
    {
        >= 7.0 => SeverityLevel.High,
        >= 4.0 => SeverityLevel.Medium,
        > 0.0 => SeverityLevel.Low,
        _ => SeverityLevel.Unknown,
    };

    // Words databases use: GHSA LOW/MODERATE/HIGH/CRITICAL, Ubuntu negligible..critical, Debian
    // urgency, Red Hat important. Anything else ("not yet assigned", "end-of-life") is UNKNOWN.
    public static SeverityLevel FromText(string? text) => text?.Trim().ToUpperInvariant() switch
    {
        "CRITICAL" => SeverityLevel.Critical,
        "HIGH" or "IMPORTANT" => SeverityLevel.High,
        "MODERATE" or "MEDIUM" => SeverityLevel.Medium,
        "LOW" or "NEGLIGIBLE" or "UNIMPORTANT" => SeverityLevel.Low,
        _ => SeverityLevel.Unknown,
    };
}
