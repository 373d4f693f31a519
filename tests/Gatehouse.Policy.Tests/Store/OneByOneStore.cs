using Gatehouse.ServiceDefaults.Store;

namespace Gatehouse.Policy.Tests.Store;

/// <summary>
/// A store that implements none of the interface's batch reads (<see cref="IKeyValueStore.SetMembersManyAsync"/>,
/// <see cref="IKeyValueStore.GetManyAsync"/>): the interface's defaults, one read per key, are what it answers with.
/// </summary>
internal sealed class OneByOneStore(IKeyValueStore inner) : IKeyValueStore
{
    public bool IsInProcess => inner.IsInProcess;

    public Task<string?> GetAsync(string key) => inner.GetAsync(key);

    public Task SetAsync(string key, string value, TimeSpan? ttl = null) => inner.SetAsync(key, value, ttl);

    public Task<bool> SetIfAbsentAsync(string key, string value, TimeSpan ttl) => inner.SetIfAbsentAsync(key, value, ttl);

    public Task<bool> DeleteAsync(string key) => inner.DeleteAsync(key);

    public Task<bool> SetAddAsync(string key, string member) => inner.SetAddAsync(key, member);

    public Task<bool> SetRemoveAsync(string key, string member) => inner.SetRemoveAsync(key, member);

    public Task<IReadOnlyList<string>> SetMembersAsync(string key) => inner.SetMembersAsync(key);

    public Task<long> HashIncrementAsync(string key, string field, long by = 1) => inner.HashIncrementAsync(key, field, by);

    public Task<IReadOnlyList<long?>> HashGetManyAsync(string key, IReadOnlyList<string> fields) => inner.HashGetManyAsync(key, fields);
}
