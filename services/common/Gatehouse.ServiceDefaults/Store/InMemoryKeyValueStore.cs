using System.Collections.Concurrent;

namespace Gatehouse.ServiceDefaults.Store;

/// <summary>The embedded default: a process-local store with the same semantics as the Redis one.</summary>
public sealed class InMemoryKeyValueStore(TimeProvider time) : IKeyValueStore
{
    private readonly ConcurrentDictionary<string, Entry> _strings = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HashSet<string>> _sets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Dictionary<string, long>> _hashes = new(StringComparer.Ordinal);

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
        Task.FromResult(_strings.TryRemove(key, out _) | _sets.TryRemove(key, out _) | _hashes.TryRemove(key, out _));

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

    public Task<long> HashIncrementAsync(string key, string field, long by = 1)
    {
        ArgumentNullException.ThrowIfNull(field);
        var hash = _hashes.GetOrAdd(key, _ => new Dictionary<string, long>(StringComparer.Ordinal));
        lock (hash)
        {
            // Checked, as Redis refuses an increment past the range of a 64-bit integer.
            var value = checked(hash.GetValueOrDefault(field) + by);
            hash[field] = value;
            return Task.FromResult(value);
        }
    }

    public Task<IReadOnlyList<long?>> HashGetManyAsync(string key, IReadOnlyList<string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var values = new long?[fields.Count];
        if (values.Length > 0 && _hashes.TryGetValue(key, out var hash))
        {
            // One lock for all fields: one snapshot, as a single HMGET is.
            lock (hash)
            {
                for (var i = 0; i < values.Length; i++) values[i] = hash.TryGetValue(fields[i], out var value) ? value : null;
            }
        }
        return Task.FromResult<IReadOnlyList<long?>>(values);
    }

    private bool Expired(Entry e) => e.ExpiresAt is { } at && at <= time.GetUtcNow();

    private sealed record Entry(string Value, DateTimeOffset? ExpiresAt);
}
