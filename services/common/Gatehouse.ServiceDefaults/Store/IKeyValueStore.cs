namespace Gatehouse.ServiceDefaults.Store;

/// <summary>
/// The small slice of Redis that Gatehouse services share (deduplication, tag map, indexes, records).
/// Redis in production; an in-process implementation is the embedded default. Keys come from
/// <see cref="Gatehouse.Contracts.StoreKeys"/>.
/// </summary>
public interface IKeyValueStore
{
    /// <summary>True when the store is an in-process stand-in (nothing is shared between processes).</summary>
    bool IsInProcess { get; }

    Task<string?> GetAsync(string key);

    Task SetAsync(string key, string value, TimeSpan? ttl = null);

    /// <summary>Sets the key only when absent; true when this call set it (atomic, like <c>SET NX</c>).</summary>
    Task<bool> SetIfAbsentAsync(string key, string value, TimeSpan ttl);

    /// <summary>
    /// The values of several keys, in the order of <paramref name="keys"/> (null for an absent key). Redis reads them
    /// with pipelined <c>MGET</c>s (one round trip); the default issues <see cref="GetAsync"/> per key, concurrently.
    /// </summary>
    async Task<IReadOnlyList<string?>> GetManyAsync(IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return await Task.WhenAll(keys.Select(GetAsync));
    }

    Task<bool> DeleteAsync(string key);

    /// <summary>Adds a member to a set; true when it was not yet a member.</summary>
    Task<bool> SetAddAsync(string key, string member);

    Task<bool> SetRemoveAsync(string key, string member);

    Task<IReadOnlyList<string>> SetMembersAsync(string key);

    /// <summary>
    /// The members of several sets, in the order of <paramref name="keys"/> (an absent key: no members). Redis reads
    /// them in one pipelined batch; the default issues <see cref="SetMembersAsync"/> per key, concurrently.
    /// </summary>
    async Task<IReadOnlyList<IReadOnlyList<string>>> SetMembersManyAsync(IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return await Task.WhenAll(keys.Select(SetMembersAsync));
    }

    /// <summary>
    /// Adds <paramref name="by"/> to an integer field of a hash (an absent hash or field counts from 0) and returns the
    /// new value; atomic, like <c>HINCRBY</c>, so two processes incrementing one field never lose a step.
    /// </summary>
    Task<long> HashIncrementAsync(string key, string field, long by = 1);

    /// <summary>
    /// Integer fields of one hash, in the order of <paramref name="fields"/>: null for an absent hash or field, or a
    /// value that is not an integer. Redis reads them with <c>HMGET</c>; a very long list may be read in several
    /// pipelined chunks, so fields of different chunks are not one snapshot (each one is read at the time of its chunk).
    /// </summary>
    Task<IReadOnlyList<long?>> HashGetManyAsync(string key, IReadOnlyList<string> fields);
}
