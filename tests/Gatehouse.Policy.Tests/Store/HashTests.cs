using Gatehouse.ServiceDefaults.Store;
using Gatehouse.Testing;
using StackExchange.Redis;

namespace Gatehouse.Policy.Tests.Store;

/// <summary>
/// <see cref="IKeyValueStore.HashIncrementAsync"/> and <see cref="IKeyValueStore.HashGetManyAsync"/> on the in-process
/// store, through a <see cref="DelegatingKeyValueStore"/>, and on the real Redis (GATEHOUSE_TEST_REDIS; a missing Redis
/// fails, never skips). Keys are unique per test and removed after.
/// </summary>
public sealed class HashTests : IAsyncLifetime
{
    private readonly RedisTestKeys _redis = new("hash");

    private string Key => _redis.Prefix + "h";

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _redis.RemoveAsync();

    [Fact]
    public Task In_process_store_increments_and_reads_fields_in_order() => IncrementsAndReadsAsync(new InMemoryKeyValueStore());

    [Fact]
    public Task A_delegating_store_passes_both_through() => IncrementsAndReadsAsync(new PassThrough(new InMemoryKeyValueStore()));

    [Fact]
    public async Task Redis_store_increments_and_reads_fields_in_order()
    {
        await IncrementsAndReadsAsync(new RedisKeyValueStore(await _redis.ConnectAsync()));
    }

    [Fact]
    public async Task In_process_increments_from_many_threads_lose_none()
    {
        var store = new InMemoryKeyValueStore();
        await Parallel.ForAsync(0, 2_000, async (i, _) => await store.HashIncrementAsync(Key, i % 2 == 0 ? "even" : "odd"));
        Assert.Equal([1_000L, 1_000L], await store.HashGetManyAsync(Key, ["even", "odd"]));
    }

    [Fact]
    public async Task Redis_increments_from_two_connections_lose_none()
    {
        var redis = await _redis.ConnectAsync();
        await using var other = await ConnectionMultiplexer.ConnectAsync(TestInfra.Redis);
        // Two connections: two processes writing the inventory (the watch and the admission feed's consumer).
        var stores = new[] { new RedisKeyValueStore(redis), new RedisKeyValueStore(other) };
        await Task.WhenAll(Enumerable.Range(0, 400).Select(i => stores[i % 2].HashIncrementAsync(Key, "f")));
        Assert.Equal([400L], await stores[0].HashGetManyAsync(Key, ["f"]));
    }

    [Fact]
    public async Task Redis_store_reads_more_fields_than_one_chunk_in_order()
    {
        var store = new RedisKeyValueStore(await _redis.ConnectAsync());
        for (var i = 0; i < 2_500; i += 3) await store.HashIncrementAsync(Key, "f" + i, i);
        var fields = Enumerable.Range(0, 2_500).Select(i => "f" + i).ToArray();

        var values = await store.HashGetManyAsync(Key, fields);

        Assert.Equal(fields.Length, values.Count);
        for (var i = 0; i < fields.Length; i++) Assert.Equal(i % 3 == 0 ? (long?)i : null, values[i]);
    }

    [Fact]
    public async Task Redis_store_reads_a_field_that_is_not_an_integer_as_absent()
    {
        var redis = await _redis.ConnectAsync();
        await redis.GetDatabase().HashSetAsync(Key, [new HashEntry("text", "x"), new HashEntry("n", "7")]);
        Assert.Equal([null, 7L], await new RedisKeyValueStore(redis).HashGetManyAsync(Key, ["text", "n"]));
    }

    private async Task IncrementsAndReadsAsync(IKeyValueStore store)
    {
        Assert.Equal([null, null], await store.HashGetManyAsync(Key, ["a", "b"]));
        Assert.Equal(1, await store.HashIncrementAsync(Key, "a"));
        Assert.Equal(2, await store.HashIncrementAsync(Key, "a"));
        Assert.Equal(5, await store.HashIncrementAsync(Key, "b", 5));
        Assert.Equal(3, await store.HashIncrementAsync(Key, "b", -2));
        Assert.Equal(1, await store.HashIncrementAsync(Key, "sha256:ü", 1));

        Assert.Equal([3L, null, 2L, 1L, 2L], await store.HashGetManyAsync(Key, ["b", "absent", "a", "sha256:ü", "a"]));
        Assert.Empty(await store.HashGetManyAsync(Key, []));
        Assert.Equal([null], await store.HashGetManyAsync(Key + ":absent", ["a"]));
        await Assert.ThrowsAsync<ArgumentNullException>(() => store.HashGetManyAsync(Key, null!));

        // A deleted hash counts from 0 again (why the inventory names each life of its versions hash).
        Assert.True(await store.DeleteAsync(Key));
        Assert.Equal([null], await store.HashGetManyAsync(Key, ["a"]));
        Assert.Equal(1, await store.HashIncrementAsync(Key, "a"));
    }

    private sealed class PassThrough(IKeyValueStore inner) : DelegatingKeyValueStore(inner);
}
