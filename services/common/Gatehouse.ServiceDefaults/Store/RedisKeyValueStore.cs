using StackExchange.Redis;

namespace Gatehouse.ServiceDefaults.Store;

/// <summary>The production store: Redis, through one shared multiplexer.</summary>
public sealed class RedisKeyValueStore(IConnectionMultiplexer redis) : IKeyValueStore
{
    private const int BatchSize = 256;

    /// <summary>Fields per <c>HMGET</c>, keys per <c>MGET</c>: Redis answers one command at a time, so one of 10,000 would hold every other client until its reply is built.</summary>
    private const int ItemsPerCommand = 1_000;

    private IDatabase Db => redis.GetDatabase();

    public bool IsInProcess => false;

    public async Task<string?> GetAsync(string key) => await Db.StringGetAsync(key);

    public Task SetAsync(string key, string value, TimeSpan? ttl = null) =>
        ttl is { } t ? Db.StringSetAsync(key, value, t) : Db.StringSetAsync(key, value);

    public Task<bool> SetIfAbsentAsync(string key, string value, TimeSpan ttl) =>
        Db.StringSetAsync(key, value, ttl, When.NotExists);

    public Task<bool> DeleteAsync(string key) => Db.KeyDeleteAsync(key);

    public Task<bool> SetAddAsync(string key, string member) => Db.SetAddAsync(key, member);

    public Task<bool> SetRemoveAsync(string key, string member) => Db.SetRemoveAsync(key, member);

    public async Task<IReadOnlyList<string>> SetMembersAsync(string key) => Strings(await Db.SetMembersAsync(key));

    /// <summary>
    /// Pipelined <c>SMEMBERS</c>, in batches of <see cref="BatchSize"/> written to the connection as they are made: no
    /// round trip per key, the server starts on the first batch while the next is written, and other commands on the
    /// shared connection interleave between batches.
    /// </summary>
    public async Task<IReadOnlyList<IReadOnlyList<string>>> SetMembersManyAsync(IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0) return [];
        var db = Db;
        var replies = new Task<RedisValue[]>[keys.Count];
        for (var start = 0; start < replies.Length; start += BatchSize)
        {
            var batch = db.CreateBatch();
            for (var i = start; i < Math.Min(replies.Length, start + BatchSize); i++) replies[i] = batch.SetMembersAsync(keys[i]);
            batch.Execute();
        }
        await Task.WhenAll(replies);
        var sets = new IReadOnlyList<string>[replies.Length];
        for (var i = 0; i < replies.Length; i++) sets[i] = Strings(await replies[i]);
        return sets;
    }

    /// <summary><c>MGET</c> in chunks of <see cref="ItemsPerCommand"/> keys, all written in one pipelined batch (one round trip).</summary>
    public async Task<IReadOnlyList<string?>> GetManyAsync(IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0) return [];
        var batch = Db.CreateBatch();
        var chunks = new Task<RedisValue[]>[(keys.Count + ItemsPerCommand - 1) / ItemsPerCommand];
        for (var c = 0; c < chunks.Length; c++)
        {
            var names = new RedisKey[Math.Min(ItemsPerCommand, keys.Count - c * ItemsPerCommand)];
            for (var i = 0; i < names.Length; i++) names[i] = keys[c * ItemsPerCommand + i];
            chunks[c] = batch.StringGetAsync(names);
        }
        batch.Execute();
        var values = new string?[keys.Count];
        var at = 0;
        foreach (var chunk in chunks)
        {
            foreach (var value in await chunk) values[at++] = value.IsNull ? null : value.ToString();
        }
        return values;
    }

    public Task<long> HashIncrementAsync(string key, string field, long by = 1) => Db.HashIncrementAsync(key, field, by);

    /// <summary><c>HMGET</c> in chunks of <see cref="ItemsPerCommand"/> fields, all written in one pipelined batch (one round trip).</summary>
    public async Task<IReadOnlyList<long?>> HashGetManyAsync(string key, IReadOnlyList<string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (fields.Count == 0) return [];
        var batch = Db.CreateBatch();
        var chunks = new Task<RedisValue[]>[(fields.Count + ItemsPerCommand - 1) / ItemsPerCommand];
        for (var c = 0; c < chunks.Length; c++)
        {
            var names = new RedisValue[Math.Min(ItemsPerCommand, fields.Count - c * ItemsPerCommand)];
            for (var i = 0; i < names.Length; i++) names[i] = fields[c * ItemsPerCommand + i];
            chunks[c] = batch.HashGetAsync(key, names);
        }
        batch.Execute();
        var values = new long?[fields.Count];
        var at = 0;
        foreach (var chunk in chunks)
        {
            foreach (var value in await chunk) values[at++] = !value.IsNull && value.TryParse(out long number) ? number : null;
        }
        return values;
    }

    private static string[] Strings(RedisValue[] values)
    {
        var strings = new string[values.Length];
        for (var i = 0; i < values.Length; i++) strings[i] = values[i].ToString();
        return strings;
    }
}
