using System.Text.Json.Serialization;
using Gatehouse.Contracts.Messages;

namespace Gatehouse.Policy.Impact;

/// <summary>
/// What runs, and how bad it is, at one moment: running images counted by their worst finding's severity, and the
/// workloads that run an image their namespace's profile now denies. Taken periodically; the metrics and the
/// dashboard's charts are drawn from it.
/// </summary>
/// <param name="RunningImagesBySeverity">critical, high, medium, low, unknown, none → running image digests with that worst severity.</param>
/// <param name="DeniedRunningByProfile">profile → workloads (containers) running an image that profile denies.</param>
public sealed record ImpactSnapshot(
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("runningWorkloads")] int RunningWorkloads,
    [property: JsonPropertyName("runningImagesBySeverity")] IReadOnlyDictionary<string, int> RunningImagesBySeverity,
    [property: JsonPropertyName("findingsBySeverity")] IReadOnlyDictionary<string, int> FindingsBySeverity,
    [property: JsonPropertyName("deniedRunningByProfile")] IReadOnlyDictionary<string, int> DeniedRunningByProfile)
{
    /// <summary>Severity buckets in the order people read them.</summary>
    public static readonly string[] Severities = ["critical", "high", "medium", "low", "unknown", "none"];

    /// <summary>Running image digests: each is in exactly one severity bucket.</summary>
    [JsonPropertyName("runningImages")]
    public int RunningImages => RunningImagesBySeverity.Values.Sum();

    /// <summary>The bucket of an image by its worst finding (unknown: not scanned, or only findings of unknown severity).</summary>
    public static string WorstSeverity(VulnerabilitiesFound? found) => found switch
    {
        null => "unknown",
        { Critical: > 0 } => "critical",
        { High: > 0 } => "high",
        { Medium: > 0 } => "medium",
        { Low: > 0 } => "low",
        { Unknown: > 0 } => "unknown",
        _ => "none",
    };
}

[JsonSerializable(typeof(ImpactSnapshot))]
[JsonSerializable(typeof(ImpactSnapshot[]))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class ImpactJsonContext : JsonSerializerContext;
