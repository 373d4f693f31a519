using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Gatehouse.Contracts.Decisions;
using Gatehouse.Contracts.Messages;
using Gatehouse.Policy.Facts;
using Gatehouse.Policy.Inventory;
using Gatehouse.ServiceDefaults.Store;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gatehouse.Policy.Impact;

/// <summary>
/// Tells the platform team when a re-decision turns an image that is running into a deny: <see cref="RunningImageDenied"/>
/// naming the workloads running it in namespaces the profile governs, with the deny reasons. The turn is marked in
/// the store before the new record is written and cleared after the publish, so a crash or a failed publish in
/// between is repaired by the redelivery (at least once), and an unchanged decision publishes nothing.
/// </summary>
public sealed partial class ImpactNotifier(
    IKeyValueStore store, RuntimeInventory inventory, NamespaceProfiles namespaces, IOptions<InventoryOptions> options, TimeProvider time,
    ILogger<ImpactNotifier> logger)
{
    private static readonly Meter Meter = new("Gatehouse.Policy");
    private static readonly Counter<long> Events = Meter.CreateCounter<long>("gatehouse.impact.running_image_denied",
        description: "Re-decisions that turned a running image into a deny (one per image and profile).");

    public static string PendingKey(string profile, string digest) => $"{FactStore.Prefix}impact:pending:{profile}:{digest}";

    /// <summary>Called before a changed record is written: remembers a turn from allow or warn to deny.</summary>
    public async Task BeforeWriteAsync(DecisionRecord? previous, DecisionRecord next)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (next.Status != DecisionStatus.Deny || previous is null || previous.Status == DecisionStatus.Deny) return;
        await store.SetAsync(PendingKey(next.Profile, next.Digest), previous.Status, TimeSpan.FromDays(7));
    }

    /// <summary>Called with the record in the store after every decision: publishes a pending turn, if any.</summary>
    public async Task AfterWriteAsync(DecisionRecord record, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Status != DecisionStatus.Deny) return;
        var pendingKey = PendingKey(record.Profile, record.Digest);
        if (await store.GetAsync(pendingKey) is not { } previousStatus) return;

        var workloads = await RunningUnderAsync(record.Profile, record.Digest);
        if (workloads.Count > 0)
        {
            var denies = record.Reasons.Where(r => r.Effect == DecisionStatus.Deny).Select(r => $"{r.Code}: {r.Message}").ToList();
            var advisories = record.Reasons.Where(r => r.Effect == DecisionStatus.Deny)
                .SelectMany(r => AdvisoryId().Matches(r.Message).Select(m => m.Value)).Distinct(StringComparer.Ordinal).ToList();
            await publisher.Publish(new RunningImageDenied(record.Digest, record.Profile, previousStatus, denies, advisories, workloads, record.DecidedAt),
                cancellationToken);
            Events.Add(1, new KeyValuePair<string, object?>("profile", record.Profile));
            LogDenied(logger, record.Digest, record.Profile, workloads.Count, string.Join("; ", denies));
        }
        await store.DeleteAsync(pendingKey);
    }

    /// <summary>The workloads running a digest in namespaces the profile governs (admission-only entries while fresh).</summary>
    public async Task<IReadOnlyList<RunningWorkload>> RunningUnderAsync(string profile, string digest)
    {
        var oldestAdmitted = time.GetUtcNow() - options.Value.AdmittedTtl;
        var governed = new Dictionary<string, bool>(StringComparer.Ordinal);
        var result = new List<RunningWorkload>();
        foreach (var entry in await inventory.WorkloadsOfAsync(digest))
        {
            if (entry.Source == WorkloadEntry.FromAdmission && entry.Since < oldestAdmitted) continue;
            if (!governed.TryGetValue(entry.Namespace, out var isGoverned))
                governed[entry.Namespace] = isGoverned = (await namespaces.GoverningAsync(entry.Namespace)).Contains(profile, StringComparer.Ordinal);
            if (isGoverned) result.Add(new RunningWorkload(entry.Namespace, entry.OwnerKind, entry.OwnerName, entry.Pod, entry.Container, entry.Source));
        }
        return [.. result.OrderBy(w => w.Namespace, StringComparer.Ordinal).ThenBy(w => w.OwnerName, StringComparer.Ordinal)
            .ThenBy(w => w.Pod, StringComparer.Ordinal).ThenBy(w => w.Container, StringComparer.Ordinal)];
    }

    // CVE, GHSA and the OSV database prefixes (DSA, DLA, GO, PYSEC, RUSTSEC...): what a platform team searches for.
    [GeneratedRegex(@"\b(?:CVE-\d{4}-\d{4,}|GHSA(?:-[0-9a-z]{4}){3}|(?:DSA|DLA|DTSA|GO|PYSEC|RUSTSEC|OSV|MAL|USN|RHSA|ALSA|ALBA|ELSA)-[0-9A-Za-z][0-9A-Za-z.:\-]*[0-9A-Za-z])\b")]
    private static partial Regex AdvisoryId();

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Digest} is now denied by profile {Profile} and runs in {Workloads} workload(s): {Reasons}")]
    private static partial void LogDenied(ILogger logger, string digest, string profile, int workloads, string reasons);
}
