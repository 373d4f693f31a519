using System.Text.Json;
using Gatehouse.Contracts;
using Gatehouse.ServiceDefaults.Store;

namespace Gatehouse.Policy.Impact;

/// <summary>
/// The last <see cref="Capacity"/> impact snapshots, newest first, as one JSON array under
/// <see cref="StoreKeys.ImpactHistory"/>. One replica appends per interval: the one holding the sample claim
/// (<see cref="TryClaimAsync"/>), so read-modify-write is safe and the history has no twin points even where every
/// replica counts as leader (the pod watch off) or while leadership changes hands.
/// </summary>
public sealed class ImpactHistory(IKeyValueStore store)
{
    /// <summary>A week of 5-minute snapshots: enough for "findings by severity over time" without growing.</summary>
    public const int Capacity = 2_016;

    /// <summary>Held (with a TTL a little under the interval) by the replica that takes the current snapshot.</summary>
    public const string ClaimKey = StoreKeys.Prefix + "impact:claim";

    /// <summary>
    /// Claims the next snapshot for <paramref name="replica"/>: true when no claim is held. The TTL ends just before the
    /// holder's next tick, so the holder keeps sampling while it lives and another replica takes over within one
    /// interval when it does not.
    /// </summary>
    public Task<bool> TryClaimAsync(string replica, TimeSpan interval) =>
        store.SetIfAbsentAsync(ClaimKey, replica, interval - interval / 10);

    public async Task AppendAsync(ImpactSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var held = await ReadAsync(Capacity - 1);
        ImpactSnapshot[] next = [snapshot, .. held];
        await store.SetAsync(StoreKeys.ImpactHistory, JsonSerializer.Serialize(next, ImpactJsonContext.Default.ImpactSnapshotArray));
    }

    /// <summary>At most <paramref name="max"/> snapshots, newest first (none when nothing was recorded or the value is unreadable).</summary>
    public async Task<IReadOnlyList<ImpactSnapshot>> ReadAsync(int max = Capacity)
    {
        if (await store.GetAsync(StoreKeys.ImpactHistory) is not { } json) return [];
        try
        {
            var all = JsonSerializer.Deserialize(json, ImpactJsonContext.Default.ImpactSnapshotArray) ?? [];
            return all.Length <= max ? all : all[..max];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>The newest snapshot, if any.</summary>
    public async Task<ImpactSnapshot?> LatestAsync() => (await ReadAsync(1)) is [var latest] ? latest : null;
}
