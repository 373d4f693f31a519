using System.Text.Json;
using Gatehouse.Contracts;
using Gatehouse.ServiceDefaults.Store;

namespace Gatehouse.Policy.Impact;

/// <summary>
/// The last <see cref="Capacity"/> impact snapshots, newest first, as one JSON array under
/// <see cref="StoreKeys.ImpactHistory"/>. Only the inventory leader appends, so read-modify-write is safe.
/// </summary>
public sealed class ImpactHistory(IKeyValueStore store)
{
    /// <summary>A week of 5-minute snapshots: enough for "findings by severity over time" without growing.</summary>
    public const int Capacity = 2_016;

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
