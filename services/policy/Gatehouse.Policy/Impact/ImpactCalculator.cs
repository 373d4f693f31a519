using Gatehouse.Contracts;
using Gatehouse.Contracts.Decisions;
using Gatehouse.Policy.Facts;
using Gatehouse.Policy.Model;
using Gatehouse.Policy.Inventory;
using Gatehouse.ServiceDefaults.Store;
using Microsoft.Extensions.Options;
using System.Text.Json;

namespace Gatehouse.Policy.Impact;

/// <summary>
/// Takes an <see cref="ImpactSnapshot"/> from the store: every entry of the runtime inventory, each running digest's
/// vulnerability counts (the fact policy decided on) and its decision under each profile governing the namespaces
/// it runs in. Admission-only entries older than the TTL are left out, and removed (admission never sees deletions).
/// </summary>
public sealed class ImpactCalculator(
    IKeyValueStore store, RuntimeInventory inventory, FactStore facts, NamespaceProfiles namespaces, IOptions<InventoryOptions> options,
    TimeProvider time)
{
    /// <summary>Pods read per batch: one round trip each, and a bounded amount of JSON held at once.</summary>
    private const int PodBatch = 5_000;

    public async Task<ImpactSnapshot> ComputeAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var oldestAdmitted = now - options.Value.AdmittedTtl;
        var running = new List<WorkloadEntry>();
        var podKeys = await inventory.PodKeysAsync();
        for (var start = 0; start < podKeys.Count; start += PodBatch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var keys = podKeys.Skip(start).Take(PodBatch).ToList();
            var records = await inventory.PodEntriesManyAsync(keys);
            for (var i = 0; i < keys.Count; i++)
            {
                var entries = records[i].Select(WorkloadEntry.FromJson).OfType<WorkloadEntry>().ToList();
                var fresh = entries.Where(e => e.Source != WorkloadEntry.FromAdmission || e.Since >= oldestAdmitted).ToList();
                if (fresh.Count == 0 && entries.Count > 0 && keys[i].StartsWith(WorkloadAdmittedConsumer.KeyPrefix, StringComparison.Ordinal))
                    await inventory.RemovePodAsync(keys[i]);
                running.AddRange(fresh);
            }
        }

        var digests = running.Select(e => e.Digest).Distinct(StringComparer.Ordinal).ToList();
        var bySeverity = ImpactSnapshot.Severities.ToDictionary(s => s, _ => 0, StringComparer.Ordinal);
        var findings = ImpactSnapshot.Severities.Where(s => s != "none").ToDictionary(s => s, _ => 0, StringComparer.Ordinal);
        foreach (var vulnerabilities in await facts.VulnerabilitiesOfManyAsync(digests))
        {
            bySeverity[ImpactSnapshot.WorstSeverity(vulnerabilities)]++;
            if (vulnerabilities is null) continue;
            findings["critical"] += vulnerabilities.Critical;
            findings["high"] += vulnerabilities.High;
            findings["medium"] += vulnerabilities.Medium;
            findings["low"] += vulnerabilities.Low;
            findings["unknown"] += vulnerabilities.Unknown;
        }

        // Which profiles govern each namespace (asked once per namespace), then every decision needed in one read.
        var governing = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var ns in running.Select(e => e.Namespace).Distinct(StringComparer.Ordinal)) governing[ns] = await namespaces.GoverningAsync(ns);
        var pairs = running.SelectMany(e => governing[e.Namespace].Select(profile => (Profile: profile, e.Digest))).Distinct().ToList();
        var decisions = await store.GetManyAsync([.. pairs.Select(p => StoreKeys.Decision(p.Profile, p.Digest))]);
        var denying = new HashSet<(string Profile, string Digest)>();
        for (var i = 0; i < pairs.Count; i++)
        {
            if (StatusOf(decisions[i]) == DecisionStatus.Deny) denying.Add(pairs[i]);
        }
        var denied = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in running)
        {
            foreach (var profile in governing[entry.Namespace])
            {
                if (denying.Contains((profile, entry.Digest))) denied[profile] = denied.GetValueOrDefault(profile) + 1;
            }
        }
        return new ImpactSnapshot(now, running.Count, bySeverity, findings, denied);
    }

    private static string? StatusOf(string? json)
    {
        if (json is null) return null;
        try
        {
            return JsonSerializer.Deserialize(json, DecisionJsonContext.Default.DecisionRecord)?.Status;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
