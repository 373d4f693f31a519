using Gatehouse.Testing;
using StackExchange.Redis;

namespace Gatehouse.Policy.Tests.Store;

/// <summary>
/// The real Redis for a store test (GATEHOUSE_TEST_REDIS; a missing Redis fails, never skips), connected on first use,
/// and a key prefix unique to the test: every key under it is removed when the test ends.
/// </summary>
internal sealed class RedisTestKeys(string area)
{
    private ConnectionMultiplexer? _redis;

    public string Prefix { get; } = $"gh-test:{area}:{Guid.NewGuid().ToString("N")[..12]}:";

    public async Task<ConnectionMultiplexer> ConnectAsync() => _redis ??= await ConnectionMultiplexer.ConnectAsync(TestInfra.Redis);

    /// <summary>Removes the test's keys and closes the connection (the test's DisposeAsync calls it).</summary>
    public async Task RemoveAsync()
    {
        if (_redis is null) return;
        var db = _redis.GetDatabase();
        foreach (var endpoint in _redis.GetEndPoints())
        {
            await foreach (var key in _redis.GetServer(endpoint).KeysAsync(pattern: Prefix + "*")) await db.KeyDeleteAsync(key);
        }
        await _redis.DisposeAsync();
    }
}
