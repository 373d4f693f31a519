using System.Collections.Concurrent;
using Gatehouse.Contracts.Decisions;
using Microsoft.Extensions.Options;

namespace Gatehouse.Admission.Decisions;

/// <summary>
/// The in-process decision cache. An entry answers without Redis only while the invalidation subscription has
/// been up since the entry was read (so no invalidation can have been missed) and for at most L1MaxAge; while
/// Redis is unreachable it may still answer if it was known current no longer than MaxStaleness ago.
/// </summary>
public sealed class DecisionL1(IOptions<AdmissionOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Profile, string Digest), Entry<CachedDecision>> _decisions = new();
    private readonly ConcurrentDictionary<string, Entry<DecisionVersions>> _versions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Entry<string>> _tags = new(StringComparer.Ordinal);
    private readonly AdmissionOptions _options = options.Value;
    private readonly Lock _stateGate = new();
    private long _generation;
    private int _count;
    private SubscriptionState _state = new(false, DateTimeOffset.MaxValue, DateTimeOffset.MinValue);

    /// <summary>Changes on every invalidation: a read from Redis started before it must not be stored after it.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public bool IsSubscribed => Volatile.Read(ref _state).Subscribed;

    public int Count => Volatile.Read(ref _count);

    public bool TryGetDecision(string profile, string digest, out Entry<CachedDecision> entry) =>
        _decisions.TryGetValue((profile, digest), out entry);

    public bool TryGetVersions(string profile, out Entry<DecisionVersions> entry) => _versions.TryGetValue(profile, out entry);

    public bool TryGetTag(string tagMapKey, out Entry<string> entry) => _tags.TryGetValue(tagMapKey, out entry);

    /// <summary>True when <paramref name="fetchedAt"/> is recent enough to answer without asking Redis.</summary>
    public bool IsTrusted(DateTimeOffset fetchedAt, DateTimeOffset now)
    {
        var state = Volatile.Read(ref _state);
        return state.Subscribed && fetchedAt >= state.Since && now - fetchedAt <= _options.L1MaxAge;
    }

    /// <summary>How long ago an entry read at <paramref name="fetchedAt"/> was last known to be current.</summary>
    public TimeSpan Staleness(DateTimeOffset fetchedAt, DateTimeOffset now)
    {
        var state = Volatile.Read(ref _state);
        if (fetchedAt < state.Since) return now - fetchedAt;
        return state.Subscribed ? TimeSpan.Zero : now - (state.LostAt > fetchedAt ? state.LostAt : fetchedAt);
    }

    public void PutDecision(string profile, string digest, CachedDecision decision, DateTimeOffset fetchedAt, long generation) =>
        Put(_decisions, (profile, digest), new Entry<CachedDecision>(decision, fetchedAt), generation);

    public void PutVersions(string profile, DecisionVersions versions, DateTimeOffset fetchedAt, long generation) =>
        Put(_versions, profile, new Entry<DecisionVersions>(versions, fetchedAt), generation);

    public void PutTag(string tagMapKey, string digest, DateTimeOffset fetchedAt, long generation) =>
        Put(_tags, tagMapKey, new Entry<string>(digest, fetchedAt), generation);

    /// <summary>Policy changed the decision of one digest under one profile.</summary>
    public void InvalidateDecision(string profile, string digest)
    {
        Interlocked.Increment(ref _generation);
        if (_decisions.TryRemove((profile, digest), out _)) Interlocked.Decrement(ref _count);
    }

    /// <summary>Policy changed a profile's versions (records are re-checked against the new ones when read).</summary>
    public void InvalidateProfile(string profile)
    {
        Interlocked.Increment(ref _generation);
        if (_versions.TryRemove(profile, out _)) Interlocked.Decrement(ref _count);
    }

    public void InvalidateAll()
    {
        Interlocked.Increment(ref _generation);
        Clear();
    }

    /// <summary>The invalidation subscription is up: entries read from now on are trusted.</summary>
    public void SubscriptionRestored()
    {
        Interlocked.Increment(ref _generation);
        lock (_stateGate) Volatile.Write(ref _state, new SubscriptionState(true, time.GetUtcNow(), DateTimeOffset.MinValue));
    }

    /// <summary>The subscription is down: invalidations may be missed, so every read goes to Redis first.</summary>
    public void SubscriptionLost()
    {
        Interlocked.Increment(ref _generation);
        lock (_stateGate)
        {
            var state = _state;
            if (state.Subscribed) Volatile.Write(ref _state, state with { Subscribed = false, LostAt = time.GetUtcNow() });
        }
    }

    private void Put<TKey, TValue>(ConcurrentDictionary<TKey, Entry<TValue>> map, TKey key, Entry<TValue> entry, long generation)
        where TKey : notnull
    {
        if (Interlocked.Read(ref _generation) != generation) return;
        // A bound on memory, not an eviction policy: past it start over (entries are one Redis round trip away).
        // Clearing removes nothing stale, so it does not invalidate reads in flight.
        if (Volatile.Read(ref _count) >= _options.L1Capacity) Clear();
        var added = false;
        map.AddOrUpdate(key, _ => { added = true; return entry; }, (_, _) => entry);
        if (added) Interlocked.Increment(ref _count);
        // An invalidation that ran between the check above and the store must win: take the entry back out.
        if (Interlocked.Read(ref _generation) != generation && map.TryRemove(KeyValuePair.Create(key, entry)) && added)
            Interlocked.Decrement(ref _count);
    }

    private void Clear()
    {
        _decisions.Clear();
        _versions.Clear();
        _tags.Clear();
        Volatile.Write(ref _count, 0);
    }

    private sealed record SubscriptionState(bool Subscribed, DateTimeOffset Since, DateTimeOffset LostAt);

    public readonly record struct Entry<T>(T Value, DateTimeOffset FetchedAt);
}
