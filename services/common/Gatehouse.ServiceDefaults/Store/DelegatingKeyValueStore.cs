namespace Gatehouse.ServiceDefaults.Store;

/// <summary>
/// A store that passes every call to another (as <c>DelegatingHandler</c> does for HTTP): decorators override only
/// what they observe or change — recording keys, copying replies, counting writes.
/// </summary>
public abstract class DelegatingKeyValueStore(IKeyValueStore inner) : IKeyValueStore
{
    protected IKeyValueStore Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    public virtual bool IsInProcess => Inner.IsInProcess;

    public virtual Task<string?> GetAsync(string key) => Inner.GetAsync(key);

    public virtual Task SetAsync(string key, string value, TimeSpan? ttl = null) => Inner.SetAsync(key, value, ttl);

    public virtual Task<bool> SetIfAbsentAsync(string key, string value, TimeSpan ttl) => Inner.SetIfAbsentAsync(key, value, ttl);

    public virtual Task<IReadOnlyList<string?>> GetManyAsync(IReadOnlyList<string> keys) => Inner.GetManyAsync(keys);

    public virtual Task<bool> DeleteAsync(string key) => Inner.DeleteAsync(key);

    public virtual Task<bool> SetAddAsync(string key, string member) => Inner.SetAddAsync(key, member);

    public virtual Task<bool> SetRemoveAsync(string key, string member) => Inner.SetRemoveAsync(key, member);

    public virtual Task<IReadOnlyList<string>> SetMembersAsync(string key) => Inner.SetMembersAsync(key);

    public virtual Task<IReadOnlyList<IReadOnlyList<string>>> SetMembersManyAsync(IReadOnlyList<string> keys) => Inner.SetMembersManyAsync(keys);

    public virtual Task<long> HashIncrementAsync(string key, string field, long by = 1) => Inner.HashIncrementAsync(key, field, by);

    public virtual Task<IReadOnlyList<long?>> HashGetManyAsync(string key, IReadOnlyList<string> fields) => Inner.HashGetManyAsync(key, fields);
}
