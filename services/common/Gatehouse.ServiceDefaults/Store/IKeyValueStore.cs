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
}
