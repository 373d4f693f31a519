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
        var replies = await ChunkedAsync(keys, static name => (RedisKey)name, static (batch, names) => batch.StringGetAsync(names));
        return Array.ConvertAll(replies, static value => value.IsNull ? null : value.ToString());
    }

    public Task<long> HashIncrementAsync(string key, string field, long by = 1) => Db.HashIncrementAsync(key, field, by);

    /// <summary><c>HMGET</c> in chunks of <see cref="ItemsPerCommand"/> fields, all written in one pipelined batch (one round trip).</summary>
    public async Task<IReadOnlyList<long?>> HashGetManyAsync(string key, IReadOnlyList<string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var replies = await ChunkedAsync(fields, static name => (RedisValue)name, (batch, names) => batch.HashGetAsync(key, names));
        return Array.ConvertAll(replies, static value => !value.IsNull && value.TryParse(out long number) ? (long?)number : null);
    }

    /// <summary>One multi-item command per chunk of <see cref="ItemsPerCommand"/> items, all in one batch; the replies in item order.</summary>
    private async Task<RedisValue[]> ChunkedAsync<TName>(IReadOnlyList<string> items, Func<string, TName> name, Func<IBatch, TName[], Task<RedisValue[]>> command)
    {
        if (items.Count == 0) return [];
        var batch = Db.CreateBatch();
        var chunks = new Task<RedisValue[]>[(items.Count + ItemsPerCommand - 1) / ItemsPerCommand];
        for (var c = 0; c < chunks.Length; c++)
        {
            var names = new TName[Math.Min(ItemsPerCommand, items.Count - c * ItemsPerCommand)];
            for (var i = 0; i < names.Length; i++) names[i] = name(items[c * ItemsPerCommand + i]);
            chunks[c] = command(batch, names);
        }
        batch.Execute();
        var values = new RedisValue[items.Count];
        var at = 0;
        foreach (var chunk in chunks)
        {
            foreach (var value in await chunk) values[at++] = value;
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
