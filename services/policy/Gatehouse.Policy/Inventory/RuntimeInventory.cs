using System.Security.Cryptography;
using System.Text.Json;
using Gatehouse.Contracts;
using Gatehouse.ServiceDefaults.Store;

namespace Gatehouse.Policy.Inventory;

/// <summary>
/// The runtime inventory in the shared store: digest → set of workload entries (<see cref="StoreKeys.RunningImage"/>),
/// pod → its entries (<see cref="StoreKeys.RunningPod"/>) and the set of known pods (<see cref="StoreKeys.RunningPods"/>).
/// A pod is always replaced whole, by difference, so unchanged pods cost one read and repeated events are no-ops.
/// Writes are serialized in this process: the watch and the admission feed may touch the same pod.
/// <para>
/// Every change of a digest's set is followed by an increment of its version (<see cref="StoreKeys.RunningImageVersions"/>,
/// atomic, so writers in several processes never lose one). Readers keep each set parsed with the version read before
/// it and re-read only the sets whose version moved: a long-running process (the policy API) answers a broad query
/// from one read of the versions. A fresh process (the CLI) has nothing held and reads every set once.
/// </para>
/// </summary>
public sealed class RuntimeInventory(IKeyValueStore store) : IDisposable
{
    /// <summary>
    /// The field of <see cref="StoreKeys.RunningImageVersions"/> that names its life: a random number set when a version
    /// is first made (after a flush or loss of Redis the hash is gone, versions count from 0 again and a held version
    /// could repeat with another set). Digests contain a colon; this field cannot be one.
    /// </summary>
    internal const string EpochField = "epoch";

    private readonly SemaphoreSlim _writes = new(1, 1);

    // Only touched under _writes.
    private bool _epochChecked;

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
    public async Task<IReadOnlyList<WorkloadEntry>> WorkloadsOfAsync(string digest) => (await WorkloadsOfManyAsync([digest]))[0];

    /// <summary>
    /// <see cref="WorkloadsOfAsync"/> for many digests, in their order: one read of their versions, then one batch read
    /// of only the sets this inventory does not hold at that version (one round trip each to Redis); an unchanged set
    /// costs no reading, parsing or sorting.
    /// </summary>
    public async Task<IReadOnlyList<IReadOnlyList<WorkloadEntry>>> WorkloadsOfManyAsync(IReadOnlyList<string> digests)
    {
        ArgumentNullException.ThrowIfNull(digests);
        if (digests.Count == 0) return [];
        // The versions strictly before the sets: a set is only ever held under a version read before it, so a write
        // that lands between the two reads raises the version past the held one and the next query reads the set again.
        var fields = new string[digests.Count + 2];
        fields[0] = fields[^1] = EpochField;
        for (var i = 0; i < digests.Count; i++) fields[i + 1] = digests[i];
        var versions = await store.HashGetManyAsync(StoreKeys.RunningImageVersions, fields);
        // The epoch read before and after the versions (Redis may read them in chunks): equal, the hash was not replaced
        // in between. Missing, or a version missing (a set written before versions existed): nothing is trusted.
        long? epoch = versions[0] is { } first && versions[^1] == first ? first : null;

        var workloads = new IReadOnlyList<WorkloadEntry>[digests.Count];
        var stamps = new WorkloadSetCache.Stamp?[digests.Count];
        var stale = new List<int>();
        for (var i = 0; i < digests.Count; i++)
        {
            if (epoch is { } e && versions[i + 1] is { } v) stamps[i] = new WorkloadSetCache.Stamp(e, v);
            if (_parsed.TryGet(digests[i], stamps[i], out var held)) workloads[i] = held.Ordered;
            else stale.Add(i);
        }
        if (stale.Count == 0) return workloads;

        var keys = new string[stale.Count];
        for (var j = 0; j < keys.Length; j++) keys[j] = StoreKeys.RunningImage(digests[stale[j]]);
        var sets = await store.SetMembersManyAsync(keys);
        for (var j = 0; j < keys.Length; j++)
        {
            var i = stale[j];
            workloads[i] = _parsed.Of(digests[i], stamps[i], sets[j]).Ordered;
        }
        return workloads;
    }

    public async Task<IReadOnlyList<string>> PodEntriesAsync(string podKey) =>
        await store.GetAsync(StoreKeys.RunningPod(podKey)) is { } json ? Parse(json) : [];

    /// <summary><see cref="PodEntriesAsync"/> of many pods, in their order, read in one batch.</summary>
    public async Task<IReadOnlyList<IReadOnlyList<string>>> PodEntriesManyAsync(IReadOnlyList<string> podKeys)
    {
        ArgumentNullException.ThrowIfNull(podKeys);
        var records = await store.GetManyAsync([.. podKeys.Select(StoreKeys.RunningPod)]);
        return [.. records.Select(json => json is null ? [] : (IReadOnlyList<string>)Parse(json))];
    }

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
        var touched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var old in held.Where(h => !wantedTexts.Contains(h)))
        {
            if (WorkloadEntry.FromJson(old) is not { } entry) continue;
            await store.SetRemoveAsync(StoreKeys.RunningImage(entry.Digest), old);
            touched.Add(entry.Digest);
        }
        foreach (var (digest, json) in additions)
        {
            await store.SetAddAsync(StoreKeys.RunningImage(digest), json);
            touched.Add(digest);
        }
        await RaiseVersionsAsync(touched);

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

    /// <summary>
    /// After the sets changed, never before: a reader that read a version before a change reads the set again once the
    /// version moves. Raised even when the set already held the change (a redo after a crash part-way), so a change
    /// whose increment was lost is announced by the redo.
    /// </summary>
    private async Task RaiseVersionsAsync(IEnumerable<string> digests)
    {
        var made = false;
        foreach (var digest in digests) made |= await store.HashIncrementAsync(StoreKeys.RunningImageVersions, digest) == 1;
        // A field made just now means the hash may be new (first write ever, or after a flush), so it may lack its epoch;
        // so may a hash whose writer stopped between the two (checked once per process). Two writers adding theirs at
        // once give a sum, which is as new: readers only compare epochs for equality.
        if ((made || !_epochChecked) && (await store.HashGetManyAsync(StoreKeys.RunningImageVersions, [EpochField]))[0] is null)
        {
            await store.HashIncrementAsync(StoreKeys.RunningImageVersions, EpochField, NewEpoch());
        }
        _epochChecked = true;
    }

    private static long NewEpoch() => ((long)RandomNumberGenerator.GetInt32(1, int.MaxValue) << 31) | (uint)RandomNumberGenerator.GetInt32(int.MaxValue);

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
