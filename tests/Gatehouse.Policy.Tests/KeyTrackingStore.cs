using System.Collections.Concurrent;
using Gatehouse.ServiceDefaults.Store;

namespace Gatehouse.Policy.Tests;

/// <summary>The in-process store, remembering which string keys exist (to assert "one record", "nothing written").</summary>
public sealed class KeyTrackingStore() : DelegatingKeyValueStore(new InMemoryKeyValueStore())
{
    private readonly ConcurrentDictionary<string, int> _writes = new(StringComparer.Ordinal);

    /// <summary>Keys currently holding a string value.</summary>
    public IReadOnlyList<string> Keys => [.. _writes.Keys.Where(k => Inner.GetAsync(k).Result is not null).Order(StringComparer.Ordinal)];

    /// <summary>How many times each key was written.</summary>
    public int WritesOf(string key) => _writes.GetValueOrDefault(key);

    public override Task SetAsync(string key, string value, TimeSpan? ttl = null)
    {
        _writes.AddOrUpdate(key, 1, (_, n) => n + 1);
        return Inner.SetAsync(key, value, ttl);
    }

    public override Task<bool> SetIfAbsentAsync(string key, string value, TimeSpan ttl)
    {
        _writes.AddOrUpdate(key, 1, (_, n) => n + 1);
        return Inner.SetIfAbsentAsync(key, value, ttl);
    }
}
