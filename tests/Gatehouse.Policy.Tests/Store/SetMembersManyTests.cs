using Gatehouse.ServiceDefaults.Store;

namespace Gatehouse.Policy.Tests.Store;

/// <summary>
/// <see cref="IKeyValueStore.SetMembersManyAsync"/> on every implementation: the in-process store, the interface's
/// default (one read per key), and the real Redis (GATEHOUSE_TEST_REDIS; a missing Redis fails, never skips). Keys are
/// unique per test and removed after.
/// </summary>
public sealed class SetMembersManyTests : IAsyncLifetime
{
    private readonly RedisTestKeys _redis = new("smm");

    private string Prefix => _redis.Prefix;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _redis.RemoveAsync();

    [Fact]
    public Task In_process_store_reads_each_set_in_key_order() => ReadsEachSetInKeyOrderAsync(new InMemoryKeyValueStore());

    [Fact]
    public Task The_interface_default_reads_each_set_in_key_order() => ReadsEachSetInKeyOrderAsync(new OneByOneStore(new InMemoryKeyValueStore()));

    [Fact]
    public async Task Redis_store_reads_each_set_in_key_order()
    {
        await ReadsEachSetInKeyOrderAsync(new RedisKeyValueStore(await _redis.ConnectAsync()));
    }

    [Fact]
    public async Task Redis_store_reads_ten_thousand_sets_in_one_call()
    {
        var store = new RedisKeyValueStore(await _redis.ConnectAsync());
        await store.SetAddAsync(Prefix + "a", "x");
        var keys = Enumerable.Range(0, 10_000).Select(i => i % 2 == 0 ? Prefix + "a" : Prefix + "absent").ToArray();

        var sets = await store.SetMembersManyAsync(keys);

        Assert.Equal(keys.Length, sets.Count);
        for (var i = 0; i < keys.Length; i++) Assert.Equal(i % 2 == 0 ? ["x"] : [], sets[i]);
    }

    private async Task ReadsEachSetInKeyOrderAsync(IKeyValueStore store)
    {
        string a = Prefix + "a", b = Prefix + "b", empty = Prefix + "empty", absent = Prefix + "absent", json = Prefix + "json";
        foreach (var m in new[] { "1", "2", "3" }) await store.SetAddAsync(a, m);
        await store.SetAddAsync(b, "only");
        await store.SetAddAsync(empty, "gone");
        await store.SetRemoveAsync(empty, "gone");
        const string Text = """{"namespace":"ü-ns","pod":"a \"quoted\" name","since":"2024-10-04T00:00:00+00:00"}""";
        await store.SetAddAsync(json, Text);

        var sets = await store.SetMembersManyAsync([b, a, absent, empty, json, a]);

        Assert.Equal(6, sets.Count);
        Assert.Equal(["only"], sets[0]);
        Assert.Equal(["1", "2", "3"], sets[1].Order(StringComparer.Ordinal));
        Assert.Empty(sets[2]);
        Assert.Empty(sets[3]);
        Assert.Equal([Text], sets[4]);
        Assert.Equal(["1", "2", "3"], sets[5].Order(StringComparer.Ordinal));
        // The same answer as one read per key.
        Assert.Equal(await store.SetMembersAsync(a), sets[1]);
        Assert.Empty(await store.SetMembersManyAsync([]));
        await Assert.ThrowsAsync<ArgumentNullException>(() => store.SetMembersManyAsync(null!));
    }
}
