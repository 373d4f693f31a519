using StackExchange.Redis;

namespace Gatehouse.ServiceDefaults.Store;

/// <summary>The production store: Redis, through one shared multiplexer.</summary>
public sealed class RedisKeyValueStore(IConnectionMultiplexer redis) : IKeyValueStore
{
    private const int BatchSize = 256;

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

    private static string[] Strings(RedisValue[] values)
    {
        var strings = new string[values.Length];
        for (var i = 0; i < values.Length; i++) strings[i] = values[i].ToString();
        return strings;
    }
}
