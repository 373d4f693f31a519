using System.Text.Json;
using Gatehouse.Contracts;
using Gatehouse.Contracts.Decisions;
using Gatehouse.Contracts.Messages;
using Gatehouse.Policy.Facts;
using Gatehouse.Policy.Impact;
using Gatehouse.Policy.Model;
using Gatehouse.ServiceDefaults.Store;
using MassTransit;

namespace Gatehouse.Policy.Decisions;

/// <summary>
/// Writes decision records and per-profile versions to the decision cache. A decision equal to the stored one
/// (same status, reasons, versions and validity, MAC verifying) is not rewritten, so redelivery leaves exactly
/// one record and publishes nothing twice. <c>ImageDecided</c> is published after the record is written and
/// remembered by MAC, so a publish that failed is retried by the message's redelivery.
/// </summary>
public sealed class DecisionRecorder(IKeyValueStore store, DecisionMac mac, IDecisionAnnouncer announcer, ImpactNotifier impact, TimeProvider time)
{
    /// <summary>Profiles whose versions are published (so a removed profile's versions can be withdrawn).</summary>
    public const string ProfilesKey = FactStore.Prefix + "profiles";

    public static string PublishedKey(string profile, string digest) => $"{FactStore.Prefix}published:{profile}:{digest}";

    /// <returns>The record in the store after the call.</returns>
    public async Task<DecisionRecord> RecordAsync(DecisionRecord decided, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decided);
        ArgumentNullException.ThrowIfNull(publisher);
        var key = StoreKeys.Decision(decided.Profile, decided.Digest);
        var existing = Parse(await store.GetAsync(key));
        DecisionRecord record;
        if (existing is not null && mac.Verify(existing) && SameDecision(existing, decided))
        {
            record = existing;
        }
        else
        {
            record = mac.Sign(decided with { DecidedAt = time.GetUtcNow() });
            await impact.BeforeWriteAsync(existing, record);
            await store.SetAsync(key, JsonSerializer.Serialize(record, DecisionJsonContext.Default.DecisionRecord));
            await announcer.AnnounceAsync(new DecisionAnnouncement(record.Profile, record.Digest));
        }

        var publishedKey = PublishedKey(record.Profile, record.Digest);
        if (await store.GetAsync(publishedKey) != record.Mac)
        {
            await publisher.Publish(new ImageDecided(record.Digest, record.Profile, record.Status,
                [.. record.Reasons.Select(r => $"{r.Code}: {r.Message}")], record.PolicyGeneration, record.DecidedAt), cancellationToken);
            await store.SetAsync(publishedKey, record.Mac);
        }
        await impact.AfterWriteAsync(record, publisher, cancellationToken);
        return record;
    }

    /// <summary>Publishes the versions of every profile in force and withdraws those of removed profiles.</summary>
    public async Task PublishVersionsAsync(PolicySet policies, (string TrustRoot, string AdvisoryData) observed)
    {
        ArgumentNullException.ThrowIfNull(policies);
        foreach (var policy in policies.Policies)
        {
            var key = StoreKeys.DecisionVersions(policy.Profile);
            var json = JsonSerializer.Serialize(VersionsFor(policy, observed), DecisionJsonContext.Default.DecisionVersions);
            await store.SetAddAsync(ProfilesKey, policy.Profile);
            if (await store.GetAsync(key) == json) continue;
            await store.SetAsync(key, json);
            await announcer.AnnounceAsync(new DecisionAnnouncement(policy.Profile, null));
        }
        foreach (var removed in (await store.SetMembersAsync(ProfilesKey)).Where(p => policies.Find(p) is null))
        {
            // Without versions every record of the profile is stale: nothing decided under it is served any more.
            await store.DeleteAsync(StoreKeys.DecisionVersions(removed));
            await store.SetRemoveAsync(ProfilesKey, removed);
            await announcer.AnnounceAsync(new DecisionAnnouncement(removed, null));
        }
    }

    /// <summary>A profile depends on trust-root and advisory versions only when it has the matching rules.</summary>
    public static DecisionVersions VersionsFor(ImagePolicy policy, (string TrustRoot, string AdvisoryData) observed)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new DecisionVersions(policy.Profile, policy.Generation,
            policy.Spec.Signatures is null ? "" : observed.TrustRoot,
            policy.Spec.Vulnerabilities is null ? "" : observed.AdvisoryData);
    }

    public static DecisionRecord? Parse(string? json)
    {
        if (json is null) return null;
        try
        {
            return JsonSerializer.Deserialize(json, DecisionJsonContext.Default.DecisionRecord);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool SameDecision(DecisionRecord a, DecisionRecord b) =>
        a.Status == b.Status && a.PolicyGeneration == b.PolicyGeneration && a.TrustRootVersion == b.TrustRootVersion &&
        a.AdvisoryDataVersion == b.AdvisoryDataVersion && a.ValidUntil == b.ValidUntil && a.Reasons.SequenceEqual(b.Reasons);
}
