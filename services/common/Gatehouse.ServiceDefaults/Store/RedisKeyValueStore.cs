using StackExchange.Redis;

namespace Gatehouse.ServiceDefaults.Store;

/// <summary>The production store: Redis, through one shared multiplexer.</summary>
public sealed class RedisKeyValueStore(IConnectionMultiplexer redis) : IKeyValueStore
{
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

    public async Task<IReadOnlyList<string>> SetMembersAsync(string key) =>
        [.. (await Db.SetMembersAsync(key)).Select(v => v.ToString())];
}
