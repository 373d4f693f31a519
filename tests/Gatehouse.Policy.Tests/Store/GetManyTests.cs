using Gatehouse.ServiceDefaults.Store;

namespace Gatehouse.Policy.Tests.Store;

/// <summary>
/// <see cref="IKeyValueStore.GetManyAsync"/> on every implementation: the in-process store, the interface's default
/// (one read per key), and the real Redis (GATEHOUSE_TEST_REDIS; a missing Redis fails, never skips), where a list longer
/// than one <c>MGET</c> is split into several and must come back in order.
/// </summary>
public sealed class GetManyTests : IAsyncLifetime
{
    private readonly RedisTestKeys _redis = new("gm");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _redis.RemoveAsync();

    [Fact]
    public Task In_process_store_reads_each_value_in_key_order() => ReadsEachValueInKeyOrderAsync(new InMemoryKeyValueStore(), 10);

    [Fact]
    public Task The_interface_default_reads_each_value_in_key_order() => ReadsEachValueInKeyOrderAsync(new OneByOneStore(new InMemoryKeyValueStore()), 10);

    [Fact]
    public async Task Redis_store_reads_values_of_several_chunks_in_key_order()
    {
        await ReadsEachValueInKeyOrderAsync(new RedisKeyValueStore(await _redis.ConnectAsync()), 2_500);
    }

    private async Task ReadsEachValueInKeyOrderAsync(IKeyValueStore store, int count)
    {
        // Every third key is absent; the others hold their own index (and one a JSON text with quotes and non-ASCII).
        const string Json = """["{\"namespace\":\"ü-ns\",\"pod\":\"a \\\"quoted\\\" name\"}"]""";
        var keys = Enumerable.Range(0, count).Select(i => $"{_redis.Prefix}{i}").ToArray();
        for (var i = 0; i < count; i++)
        {
            if (i % 3 != 2) await store.SetAsync(keys[i], i == 1 ? Json : i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var values = await store.GetManyAsync([.. keys, keys[0]]);

        Assert.Equal(count + 1, values.Count);
        for (var i = 0; i < count; i++)
            Assert.Equal(i % 3 == 2 ? null : i == 1 ? Json : i.ToString(System.Globalization.CultureInfo.InvariantCulture), values[i]);
        Assert.Equal("0", values[count]);
        Assert.Empty(await store.GetManyAsync([]));
        await Assert.ThrowsAsync<ArgumentNullException>(() => store.GetManyAsync(null!));
    }
}
