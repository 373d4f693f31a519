using System.Text.Json.Serialization;

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
    [property: JsonPropertyName("runningImages")] int RunningImages,
    [property: JsonPropertyName("runningWorkloads")] int RunningWorkloads,
    [property: JsonPropertyName("runningImagesBySeverity")] IReadOnlyDictionary<string, int> RunningImagesBySeverity,
    [property: JsonPropertyName("findingsBySeverity")] IReadOnlyDictionary<string, int> FindingsBySeverity,
    [property: JsonPropertyName("deniedRunningByProfile")] IReadOnlyDictionary<string, int> DeniedRunningByProfile)
{
    /// <summary>Severity buckets in the order people read them.</summary>
    public static readonly string[] Severities = ["critical", "high", "medium", "low", "unknown", "none"];

    public int DeniedRunning => DeniedRunningByProfile.Values.Sum();
}

[JsonSerializable(typeof(ImpactSnapshot))]
[JsonSerializable(typeof(ImpactSnapshot[]))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class ImpactJsonContext : JsonSerializerContext;
