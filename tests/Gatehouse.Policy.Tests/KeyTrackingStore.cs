using System.Collections.Concurrent;
using Gatehouse.ServiceDefaults.Store;

namespace Gatehouse.Policy.Tests;

/// <summary>The in-process store, remembering which string keys exist (to assert "one record", "nothing written").</summary>
public sealed class KeyTrackingStore : IKeyValueStore
{
    private readonly InMemoryKeyValueStore _inner = new();
    private readonly ConcurrentDictionary<string, int> _writes = new(StringComparer.Ordinal);

    public bool IsInProcess => true;

    /// <summary>Keys currently holding a string value.</summary>
    public IReadOnlyList<string> Keys => [.. _writes.Keys.Where(k => _inner.GetAsync(k).Result is not null).Order(StringComparer.Ordinal)];

    /// <summary>How many times each key was written.</summary>
    public int WritesOf(string key) => _writes.GetValueOrDefault(key);

    public Task<string?> GetAsync(string key) => _inner.GetAsync(key);

    public Task SetAsync(string key, string value, TimeSpan? ttl = null)
    {
        _writes.AddOrUpdate(key, 1, (_, n) => n + 1);
        return _inner.SetAsync(key, value, ttl);
    }

    public Task<bool> SetIfAbsentAsync(string key, string value, TimeSpan ttl)
    {
        _writes.AddOrUpdate(key, 1, (_, n) => n + 1);
        return _inner.SetIfAbsentAsync(key, value, ttl);
    }

    public Task<bool> DeleteAsync(string key) => _inner.DeleteAsync(key);

    public Task<bool> SetAddAsync(string key, string member) => _inner.SetAddAsync(key, member);

    public Task<bool> SetRemoveAsync(string key, string member) => _inner.SetRemoveAsync(key, member);

    public Task<IReadOnlyList<string>> SetMembersAsync(string key) => _inner.SetMembersAsync(key);

    public Task<IReadOnlyList<IReadOnlyList<string>>> SetMembersManyAsync(IReadOnlyList<string> keys) => _inner.SetMembersManyAsync(keys);
}
