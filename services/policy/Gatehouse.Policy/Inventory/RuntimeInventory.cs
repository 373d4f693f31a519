using System.Text.Json;
using Gatehouse.Contracts;
using Gatehouse.ServiceDefaults.Store;

namespace Gatehouse.Policy.Inventory;

/// <summary>
/// The runtime inventory in the shared store: digest → set of workload entries (<see cref="StoreKeys.RunningImage"/>),
/// pod → its entries (<see cref="StoreKeys.RunningPod"/>) and the set of known pods (<see cref="StoreKeys.RunningPods"/>).
/// A pod is always replaced whole, by difference, so unchanged pods cost one read and repeated events are no-ops.
/// Writes are serialized in this process: the watch and the admission feed may touch the same pod.
/// </summary>
public sealed class RuntimeInventory(IKeyValueStore store) : IDisposable
{
    private readonly SemaphoreSlim _writes = new(1, 1);

    // Members are immutable texts, so their parse can be shared by every query: a broad query reads tens of thousands.
    private readonly WorkloadSetCache _parsed = new();

    /// <summary>Makes the pod's entries exactly <paramref name="entries"/> (none: the pod is removed).</summary>
    public async Task PutPodAsync(string podKey, IReadOnlyCollection<WorkloadEntry> entries)
    {
        ArgumentException.ThrowIfNullOrEmpty(podKey);
        ArgumentNullException.ThrowIfNull(entries);
        await _writes.WaitAsync();
        try
        {
            await ReplaceAsync(podKey, entries);
        }
        finally
        {
            _writes.Release();
        }
    }

    public void Dispose() => _writes.Dispose();

    public Task RemovePodAsync(string podKey) => PutPodAsync(podKey, []);

    /// <summary>
    /// After a full list: removes every pod the store holds that the list did not contain (deleted while this service
    /// was not watching, or before a restart). Entries from admission are removed too: the list is the truth.
    /// </summary>
    /// <returns>How many pods were removed.</returns>
    public async Task<int> ReconcileAsync(IReadOnlySet<string> listedPodKeys)
    {
        ArgumentNullException.ThrowIfNull(listedPodKeys);
        var removed = 0;
        foreach (var podKey in await store.SetMembersAsync(StoreKeys.RunningPods))
        {
            if (listedPodKeys.Contains(podKey)) continue;
            await RemovePodAsync(podKey);
            removed++;
        }
        return removed;
    }

    public Task<IReadOnlyList<string>> PodKeysAsync() => store.SetMembersAsync(StoreKeys.RunningPods);

    /// <summary>
    /// The workloads running a digest (unreadable members are skipped), ordered by namespace, owner name, pod and
    /// container (ordinal). The list is shared with later reads of the same set: do not modify it.
    /// </summary>
    public async Task<IReadOnlyList<WorkloadEntry>> WorkloadsOfAsync(string digest) =>
        _parsed.Of(digest, await store.SetMembersAsync(StoreKeys.RunningImage(digest))).Ordered;

    /// <summary>
    /// <see cref="WorkloadsOfAsync"/> for many digests, in their order, with one read of all their sets (one round trip
    /// to Redis); an unchanged set costs no parsing or sorting.
    /// </summary>
    public async Task<IReadOnlyList<IReadOnlyList<WorkloadEntry>>> WorkloadsOfManyAsync(IReadOnlyList<string> digests)
    {
        ArgumentNullException.ThrowIfNull(digests);
        var keys = new string[digests.Count];
        for (var i = 0; i < keys.Length; i++) keys[i] = StoreKeys.RunningImage(digests[i]);
        var sets = await store.SetMembersManyAsync(keys);
        var workloads = new IReadOnlyList<WorkloadEntry>[keys.Length];
        for (var i = 0; i < keys.Length; i++) workloads[i] = _parsed.Of(digests[i], sets[i]).Ordered;
        return workloads;
    }

    public async Task<IReadOnlyList<string>> PodEntriesAsync(string podKey) =>
        await store.GetAsync(StoreKeys.RunningPod(podKey)) is { } json ? Parse(json) : [];

    private async Task ReplaceAsync(string podKey, IReadOnlyCollection<WorkloadEntry> entries)
    {
        var held = await PodEntriesAsync(podKey);
        var wanted = entries.Select(e => (e.Digest, Json: e.ToJson())).DistinctBy(e => e.Json).ToList();
        if (held.Count == wanted.Count && wanted.All(w => held.Contains(w.Json))) return;

        var wantedTexts = wanted.Select(w => w.Json).ToHashSet(StringComparer.Ordinal);
        var additions = wanted.Where(w => !held.Contains(w.Json)).ToList();
        if (additions.Count > 0)
        {
            // Record first what the sets may hold after a crash part-way (old and new), so removal stays exact.
            await WriteRecordAsync(podKey, [.. held.Union(wantedTexts, StringComparer.Ordinal)]);
        }
        foreach (var old in held.Where(h => !wantedTexts.Contains(h)))
        {
            if (WorkloadEntry.FromJson(old) is { } entry) await store.SetRemoveAsync(StoreKeys.RunningImage(entry.Digest), old);
        }
        foreach (var (digest, json) in additions) await store.SetAddAsync(StoreKeys.RunningImage(digest), json);

        if (wanted.Count == 0)
        {
            await store.DeleteAsync(StoreKeys.RunningPod(podKey));
            await store.SetRemoveAsync(StoreKeys.RunningPods, podKey);
        }
        else
        {
            await WriteRecordAsync(podKey, [.. wantedTexts]);
        }
    }

    private async Task WriteRecordAsync(string podKey, string[] texts)
    {
        await store.SetAsync(StoreKeys.RunningPod(podKey), JsonSerializer.Serialize(texts, InventoryJsonContext.Default.StringArray));
        await store.SetAddAsync(StoreKeys.RunningPods, podKey);
    }

    private static string[] Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, InventoryJsonContext.Default.StringArray) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
