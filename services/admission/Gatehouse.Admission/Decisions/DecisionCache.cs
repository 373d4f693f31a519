using System.Text.Json;
using Gatehouse.Contracts;
using Gatehouse.Contracts.Decisions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using DecisionJsonContext = Gatehouse.Policy.Model.DecisionJsonContext;

namespace Gatehouse.Admission.Decisions;

/// <summary>What admission asks about one image: its pinned digest, or the tag-map key to resolve it by.</summary>
public readonly record struct ImageQuery(string? Digest, string? TagMapKey);

public enum LookupState { Decided, Unknown, Unavailable }

/// <summary>What the cache knows about one image.</summary>
/// <param name="Digest">The pinned or resolved digest; null when a tag could not be resolved.</param>
/// <param name="Staleness">Set when the answer came from the L1 while the store was unreachable.</param>
public readonly record struct ImageLookup(LookupState State, string? Digest, CachedDecision? Decision, UnknownReason Why, TimeSpan? Staleness);

/// <summary>
/// Decisions for all images of a request: from the L1 when it can be trusted (no I/O, no await), else in one
/// round trip to the store bounded by the caller's budget, else from the L1 within MaxStaleness.
/// </summary>
public sealed partial class DecisionCache(
    IDecisionSource source, DecisionL1 l1, DecisionMac mac, IOptions<AdmissionOptions> options, TimeProvider time,
    ILogger<DecisionCache> logger)
{
    private readonly AdmissionOptions _options = options.Value;

    /// <summary>Fills <paramref name="results"/> (same length as <paramref name="queries"/>).</summary>
    public ValueTask LookupAsync(string profile, ImageQuery[] queries, ImageLookup[] results, TimeSpan budget, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var useL1 = source.PushesInvalidations;
        DecisionVersions? versions = null;
        if (useL1 && l1.TryGetVersions(profile, out var v) && l1.IsTrusted(v.FetchedAt, now)) versions = v.Value;
        var pending = 0;
        for (var i = 0; i < queries.Length; i++)
        {
            var digest = queries[i].Digest;
            if (digest is null && useL1 && l1.TryGetTag(queries[i].TagMapKey!, out var tag) && now - tag.FetchedAt <= _options.TagCacheTtl)
                digest = tag.Value;
            if (digest is not null && versions is not null && l1.TryGetDecision(profile, digest, out var entry)
                && l1.IsTrusted(entry.FetchedAt, now) && entry.Value.Currency(versions, now) == UnknownReason.None)
            {
                results[i] = new ImageLookup(LookupState.Decided, digest, entry.Value, UnknownReason.None, null);
                continue;
            }
            // Pending until the store answers; a digest not in the L1 or not current there is asked again.
            results[i] = new ImageLookup(LookupState.Unavailable, digest, null, UnknownReason.None, null);
            pending++;
        }
        if (pending == 0)
        {
            AdmissionTelemetry.Lookups.Add(queries.Length, new KeyValuePair<string, object?>("source", "l1"));
            return ValueTask.CompletedTask;
        }
        return new ValueTask(FetchAsync(profile, queries, results, budget, cancellationToken));
    }

    private async Task FetchAsync(string profile, ImageQuery[] queries, ImageLookup[] results, TimeSpan budget, CancellationToken cancellationToken)
    {
        var digests = new List<string>();
        var tagKeys = new List<string>();
        for (var i = 0; i < results.Length; i++)
        {
            if (results[i].State != LookupState.Unavailable) continue;
            if (results[i].Digest is { } d) digests.Add(d);
            else tagKeys.Add(queries[i].TagMapKey!);
        }

        var generation = l1.Generation;
        var fetchedAt = time.GetUtcNow();
        DecisionFetch fetch;
        try
        {
            if (!source.IsAvailable) throw new StoreUnavailableException("the decision store is not connected");
            if (budget <= TimeSpan.Zero) throw new TimeoutException("no time left before the deadline");
            fetch = await source.FetchAsync(new DecisionQuery(profile, digests, tagKeys), cancellationToken).WaitAsync(budget, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogStoreUnavailable(logger, ex, profile, budget.TotalMilliseconds);
            Fallback(profile, queries, results);
            return;
        }

        var useL1 = source.PushesInvalidations;
        var versions = ParseVersions(fetch.Versions, profile);
        if (versions is not null && useL1) l1.PutVersions(profile, versions, fetchedAt, generation);
        int nextDigest = 0, nextTag = 0;
        for (var i = 0; i < results.Length; i++)
        {
            if (results[i].State != LookupState.Unavailable) continue;
            string? digest;
            byte[]? raw;
            if (results[i].Digest is not null)
            {
                digest = results[i].Digest;
                raw = fetch.Decisions[nextDigest++];
            }
            else
            {
                var tag = fetch.Tags[nextTag++];
                if (tag.Digest is null || !ContentDigest.IsValid(tag.Digest))
                {
                    results[i] = new ImageLookup(LookupState.Unknown, null, null, UnknownReason.TagNotFound, null);
                    continue;
                }
                digest = tag.Digest;
                raw = tag.Decision;
                if (useL1) l1.PutTag(queries[i].TagMapKey!, digest, fetchedAt, generation);
            }
            results[i] = Resolve(profile, digest!, raw, versions, fetchedAt, generation, useL1);
        }
        AdmissionTelemetry.Lookups.Add(digests.Count + tagKeys.Count, new KeyValuePair<string, object?>("source", "store"));
    }

    private ImageLookup Resolve(string profile, string digest, byte[]? raw, DecisionVersions? versions, DateTimeOffset fetchedAt, long generation, bool useL1)
    {
        if (raw is null) return new ImageLookup(LookupState.Unknown, digest, null, UnknownReason.NotFound, null);
        DecisionRecord? record;
        try
        {
            record = JsonSerializer.Deserialize(raw, DecisionJsonContext.Default.DecisionRecord);
        }
        catch (JsonException ex)
        {
            LogMalformed(logger, ex, profile, digest);
            record = null;
        }
        if (record is null) return new ImageLookup(LookupState.Unknown, digest, null, UnknownReason.Malformed, null);
        var decision = CachedDecision.Verify(record, profile, digest, mac, out var why);
        if (decision is null)
        {
            AdmissionTelemetry.RejectedRecords.Add(1, new KeyValuePair<string, object?>("reason", why.ToString()));
            LogRejected(logger, profile, digest, why);
            return new ImageLookup(LookupState.Unknown, digest, null, why, null);
        }
        if (useL1) l1.PutDecision(profile, digest, decision, fetchedAt, generation);
        var currency = decision.Currency(versions, time.GetUtcNow());
        return currency == UnknownReason.None
            ? new ImageLookup(LookupState.Decided, digest, decision, UnknownReason.None, null)
            : new ImageLookup(LookupState.Unknown, digest, null, currency, null);
    }

    /// <summary>The store did not answer in time: L1 entries known current within MaxStaleness, else unavailable.</summary>
    private void Fallback(string profile, ImageQuery[] queries, ImageLookup[] results)
    {
        var now = time.GetUtcNow();
        var hasVersions = l1.TryGetVersions(profile, out var versions);
        for (var i = 0; i < results.Length; i++)
        {
            if (results[i].State != LookupState.Unavailable) continue;
            var digest = results[i].Digest;
            if (digest is null && l1.TryGetTag(queries[i].TagMapKey!, out var tag) && l1.Staleness(tag.FetchedAt, now) <= _options.MaxStaleness)
                digest = tag.Value;
            if (digest is null || !hasVersions || !l1.TryGetDecision(profile, digest, out var entry))
            {
                results[i] = new ImageLookup(LookupState.Unavailable, digest, null, UnknownReason.None, null);
                continue;
            }
            var staleness = Max(l1.Staleness(entry.FetchedAt, now), l1.Staleness(versions.FetchedAt, now));
            if (staleness > _options.MaxStaleness)
            {
                results[i] = new ImageLookup(LookupState.Unavailable, digest, null, UnknownReason.None, null);
                continue;
            }
            var currency = entry.Value.Currency(versions.Value, now);
            results[i] = currency == UnknownReason.None
                ? new ImageLookup(LookupState.Decided, digest, entry.Value, UnknownReason.None, staleness)
                : new ImageLookup(LookupState.Unknown, digest, null, currency, staleness);
        }
        AdmissionTelemetry.Lookups.Add(results.Length, new KeyValuePair<string, object?>("source", "fallback"));
    }

    private DecisionVersions? ParseVersions(byte[]? raw, string profile)
    {
        if (raw is null) return null;
        try
        {
            var versions = JsonSerializer.Deserialize(raw, DecisionJsonContext.Default.DecisionVersions);
            return versions is not null && versions.Profile == profile ? versions : null;
        }
        catch (JsonException ex)
        {
            LogMalformed(logger, ex, profile, "versions");
            return null;
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Decision store unavailable for profile {Profile} (budget {BudgetMs} ms); answering from the L1 within MaxStaleness or by the failure mode")]
    private static partial void LogStoreUnavailable(ILogger logger, Exception ex, string profile, double budgetMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Decision record for {Profile}/{Digest} rejected ({Reason}); treated as unknown")]
    private static partial void LogRejected(ILogger logger, string profile, string digest, UnknownReason reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unreadable decision-cache value for {Profile}/{What}; treated as unknown")]
    private static partial void LogMalformed(ILogger logger, Exception ex, string profile, string what);
}

/// <summary>The store is known to be down; the lookup falls back without waiting.</summary>
public sealed class StoreUnavailableException(string message) : Exception(message);
