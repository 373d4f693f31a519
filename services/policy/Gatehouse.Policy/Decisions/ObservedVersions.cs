using System.Text.Json;
using Gatehouse.Policy.Facts;
using Gatehouse.ServiceDefaults.Store;

namespace Gatehouse.Policy.Decisions;

/// <summary>
/// The newest trust-root and advisory-data versions seen on any fact: what a current decision must carry.
/// A change makes every decision made under the old version stale (admission then treats it as unknown).
/// </summary>
public sealed class ObservedVersions(IKeyValueStore store)
{
    public const string TrustRootKey = FactStore.Prefix + "current:trust-root";
    public const string AdvisoryKey = FactStore.Prefix + "current:advisory-data";

    public async Task<(string TrustRoot, string AdvisoryData)> ReadAsync()
    {
        var trust = store.GetAsync(TrustRootKey);
        var advisory = store.GetAsync(AdvisoryKey);
        return (Parse(await trust)?.Version ?? "", Parse(await advisory)?.Version ?? "");
    }

    /// <returns>True when <paramref name="version"/> is newer than the one recorded and different from it.</returns>
    public Task<bool> ObserveTrustRootAsync(string version, DateTimeOffset at) => ObserveAsync(TrustRootKey, version, at);

    public Task<bool> ObserveAdvisoryDataAsync(string version, DateTimeOffset at) => ObserveAsync(AdvisoryKey, version, at);

    private async Task<bool> ObserveAsync(string key, string version, DateTimeOffset at)
    {
        if (string.IsNullOrEmpty(version)) return false;
        var current = Parse(await store.GetAsync(key));
        if (current is not null && (current.Version == version || current.ObservedAt > at)) return false;
        await store.SetAsync(key, JsonSerializer.Serialize(new ObservedVersion(version, at), FactJsonContext.Default.ObservedVersion));
        return true;
    }

    /// <summary>The version in a stored observation (null when absent or unreadable).</summary>
    public static string? VersionOf(string? json) => Parse(json)?.Version;

    private static ObservedVersion? Parse(string? json)
    {
        if (json is null) return null;
        try
        {
            return JsonSerializer.Deserialize(json, FactJsonContext.Default.ObservedVersion);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
