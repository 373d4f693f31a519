using System.Collections.Concurrent;

namespace Gatehouse.ServiceDefaults.Store;

/// <summary>The embedded default: a process-local store with the same semantics as the Redis one.</summary>
public sealed class InMemoryKeyValueStore(TimeProvider time) : IKeyValueStore
{
    private readonly ConcurrentDictionary<string, Entry> _strings = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HashSet<string>> _sets = new(StringComparer.Ordinal);

    public InMemoryKeyValueStore() : this(TimeProvider.System) { }

    public bool IsInProcess => true;

    public Task<string?> GetAsync(string key) =>
        Task.FromResult(_strings.TryGetValue(key, out var e) && !Expired(e) ? e.Value : null);

    public Task SetAsync(string key, string value, TimeSpan? ttl = null)
    {
        _strings[key] = new Entry(value, ttl is { } t ? time.GetUtcNow() + t : null);
        return Task.CompletedTask;
    }

    public Task<bool> SetIfAbsentAsync(string key, string value, TimeSpan ttl)
    {
        var fresh = new Entry(value, time.GetUtcNow() + ttl);
        while (true)
        {
            if (_strings.TryAdd(key, fresh)) return Task.FromResult(true);
            if (!_strings.TryGetValue(key, out var current)) continue;
            if (!Expired(current)) return Task.FromResult(false);
            if (_strings.TryUpdate(key, fresh, current)) return Task.FromResult(true);
        }
    }

    public Task<bool> DeleteAsync(string key) =>
        Task.FromResult(_strings.TryRemove(key, out _) | _sets.TryRemove(key, out _));

    public Task<bool> SetAddAsync(string key, string member)
    {
        var set = _sets.GetOrAdd(key, _ => new HashSet<string>(StringComparer.Ordinal));
        lock (set) return Task.FromResult(set.Add(member));
    }

    public Task<bool> SetRemoveAsync(string key, string member)
    {
        if (!_sets.TryGetValue(key, out var set)) return Task.FromResult(false);
        lock (set) return Task.FromResult(set.Remove(member));
    }

    public Task<IReadOnlyList<string>> SetMembersAsync(string key)
    {
        if (!_sets.TryGetValue(key, out var set)) return Task.FromResult<IReadOnlyList<string>>([]);
        lock (set) return Task.FromResult<IReadOnlyList<string>>([.. set]);
    }

    public Task<IReadOnlyList<IReadOnlyList<string>>> SetMembersManyAsync(IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var sets = new IReadOnlyList<string>[keys.Count];
        for (var i = 0; i < sets.Length; i++)
        {
            if (!_sets.TryGetValue(keys[i], out var set))
            {
                sets[i] = [];
                continue;
            }
            lock (set) sets[i] = [.. set];
        }
        return Task.FromResult<IReadOnlyList<IReadOnlyList<string>>>(sets);
    }

    private bool Expired(Entry e) => e.ExpiresAt is { } at && at <= time.GetUtcNow();

    private sealed record Entry(string Value, DateTimeOffset? ExpiresAt);
}
