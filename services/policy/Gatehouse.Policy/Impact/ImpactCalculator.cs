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
    public async Task<ImpactSnapshot> ComputeAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var oldestAdmitted = now - options.Value.AdmittedTtl;
        var running = new List<WorkloadEntry>();
        foreach (var podKey in await inventory.PodKeysAsync())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var entries = (await inventory.PodEntriesAsync(podKey)).Select(WorkloadEntry.FromJson).OfType<WorkloadEntry>().ToList();
            var fresh = entries.Where(e => e.Source != WorkloadEntry.FromAdmission || e.Since >= oldestAdmitted).ToList();
            if (fresh.Count == 0 && entries.Count > 0 && podKey.StartsWith(WorkloadAdmittedConsumer.KeyPrefix, StringComparison.Ordinal))
                await inventory.RemovePodAsync(podKey);
            running.AddRange(fresh);
        }

        var bySeverity = ImpactSnapshot.Severities.ToDictionary(s => s, _ => 0, StringComparer.Ordinal);
        var findings = ImpactSnapshot.Severities.Where(s => s != "none").ToDictionary(s => s, _ => 0, StringComparer.Ordinal);
        var statuses = new Dictionary<(string Profile, string Digest), string?>();
        var denied = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var digest in running.Select(e => e.Digest).Distinct(StringComparer.Ordinal))
        {
            var vulnerabilities = (await facts.ReadAsync(digest)).Vulnerabilities;
            bySeverity[ImpactSnapshot.WorstSeverity(vulnerabilities)]++;
            if (vulnerabilities is null) continue;
            findings["critical"] += vulnerabilities.Critical;
            findings["high"] += vulnerabilities.High;
            findings["medium"] += vulnerabilities.Medium;
            findings["low"] += vulnerabilities.Low;
            findings["unknown"] += vulnerabilities.Unknown;
        }
        foreach (var entry in running)
        {
            foreach (var profile in await namespaces.GoverningAsync(entry.Namespace))
            {
                if (!statuses.TryGetValue((profile, entry.Digest), out var status))
                    statuses[(profile, entry.Digest)] = status = await StatusAsync(profile, entry.Digest);
                if (status == DecisionStatus.Deny) denied[profile] = denied.GetValueOrDefault(profile) + 1;
            }
        }
        return new ImpactSnapshot(now, running.Count, bySeverity, findings, denied);
    }

    private async Task<string?> StatusAsync(string profile, string digest)
    {
        if (await store.GetAsync(StoreKeys.Decision(profile, digest)) is not { } json) return null;
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
