using System.Collections.Concurrent;
using Gatehouse.Contracts;
using Gatehouse.Policy.Inventory;
using Gatehouse.ServiceDefaults.Store;
using Gatehouse.Testing;
using StackExchange.Redis;

namespace Gatehouse.Policy.Tests.Inventory;

/// <summary>
/// The versioned read path: a reader holding parsed sets reads the versions of all its digests, then only the sets whose
/// version moved; a set is never held under a version read after it, nor when its version (or the versions' epoch) is
/// missing; and two inventories over one store (two replicas, or the watch and the admission feed in two processes)
/// see each other's writes. Each runs on the in-process store and on the real Redis (GATEHOUSE_TEST_REDIS; missing
/// fails, never skips), there in database <see cref="RedisDatabase"/>: the test that drops the versions hash must not
/// disturb another suite's inventory in database 0.
/// </summary>
public sealed class VersionedReadTests : IAsyncLifetime
{
    private const int RedisDatabase = 13;
    private readonly string _run = Guid.NewGuid().ToString("N")[..12];
    private readonly List<ConnectionMultiplexer> _connections = [];
    private readonly List<RuntimeInventory> _inventories = [];
    private readonly HashSet<string> _pods = [];
    private InMemoryKeyValueStore? _shared;

    private string A => Digest('a');
    private string B => Digest('b');
    private string C => Digest('c');

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_connections.Count > 0)
        {
            var store = new RedisKeyValueStore(_connections[0]);
            using var writer = new RuntimeInventory(store);
            foreach (var pod in _pods) await writer.RemovePodAsync(pod);
            await _connections[0].GetDatabase().HashDeleteAsync(StoreKeys.RunningImageVersions, [A, B, C]);
        }
        foreach (var inventory in _inventories) inventory.Dispose();
        foreach (var connection in _connections) await connection.DisposeAsync();
    }

    [Theory, InlineData(false), InlineData(true)]
    public async Task Only_the_sets_whose_version_moved_are_read_again(bool redis)
    {
        var store = await StoreAsync(redis);
        var writer = Inventory(store);
        var counting = new CountingStore(store);
        var reader = Inventory(counting);
        await PutAsync(writer, "a1", A);
        await PutAsync(writer, "b1", B);
        await PutAsync(writer, "c1", C);

        Assert.Equal([["a1"], ["b1"], ["c1"]], await ReadAsync(reader, A, B, C));
        Assert.Equal([A, B, C], counting.TakeSetReads());
        Assert.Equal([["a1"], ["b1"], ["c1"]], await ReadAsync(reader, A, B, C));
        Assert.Empty(counting.TakeSetReads());

        await PutAsync(writer, "b2", B);
        Assert.Equal([["a1"], ["b1", "b2"], ["c1"]], await ReadAsync(reader, A, B, C));
        Assert.Equal([B], counting.TakeSetReads());

        // A pod moving to another image changes two sets.
        await PutAsync(writer, "a1", C);
        Assert.Equal([[], ["b1", "b2"], ["a1", "c1"]], await ReadAsync(reader, A, B, C));
        Assert.Equal([A, C], counting.TakeSetReads());

        await writer.RemovePodAsync(Pod("c1"));
        await PutAsync(writer, "b2", B); // unchanged: no write, no version
        Assert.Equal([[], ["b1", "b2"], ["a1"]], await ReadAsync(reader, A, B, C));
        Assert.Equal([C], counting.TakeSetReads());
        Assert.Equal(["a1"], Names(await reader.WorkloadsOfAsync(C)));
        Assert.Empty(counting.TakeSetReads());
    }

    [Theory, InlineData(false), InlineData(true)]
    public async Task A_write_between_the_version_read_and_the_set_read_is_seen_by_the_next_query(bool redis)
    {
        var store = await StoreAsync(redis);
        var writer = Inventory(store);
        var counting = new CountingStore(store);
        var reader = Inventory(counting);
        await PutAsync(writer, "b1", B);

        // Nothing held: the set is read after the write, and held under the version read before it.
        counting.AfterVersionRead = () => PutAsync(writer, "b2", B);
        Assert.Equal([["b1", "b2"]], await ReadAsync(reader, B));
        Assert.Equal([B], counting.TakeSetReads());
        // That version moved: read again; this time a removal lands in the gap.
        counting.AfterVersionRead = () => writer.RemovePodAsync(Pod("b1"));
        Assert.Equal([["b2"]], await ReadAsync(reader, B));
        Assert.Equal([B], counting.TakeSetReads());
        // Held under the version before the removal, so read once more (never under a version read after the set).
        Assert.Equal([["b2"]], await ReadAsync(reader, B));
        Assert.Equal([B], counting.TakeSetReads());
        Assert.Equal([["b2"]], await ReadAsync(reader, B));
        Assert.Empty(counting.TakeSetReads());

        // Held and current: a write after the version read is not in this answer, and is in the next.
        counting.AfterVersionRead = () => PutAsync(writer, "b3", B);
        Assert.Equal([["b2"]], await ReadAsync(reader, B));
        Assert.Empty(counting.TakeSetReads());
        Assert.Equal([["b2", "b3"]], await ReadAsync(reader, B));
        Assert.Equal([B], counting.TakeSetReads());
    }

    [Theory, InlineData(false), InlineData(true)]
    public async Task A_missing_version_or_epoch_is_never_trusted(bool redis)
    {
        var store = await StoreAsync(redis);
        var counting = new CountingStore(store);
        var reader = Inventory(counting);
        // No epoch yet (the hash as a version of Gatehouse without versions leaves it: absent).
        await store.DeleteAsync(StoreKeys.RunningImageVersions);
        // A set written before versions existed, and changed by a writer that does not raise them.
        await store.SetAddAsync(StoreKeys.RunningImage(A), Entry("old1", A).ToJson());
        for (var round = 0; round < 2; round++)
        {
            Assert.Equal([["old1"]], await ReadAsync(reader, A));
            Assert.Equal([A], counting.TakeSetReads());
        }
        await store.SetAddAsync(StoreKeys.RunningImage(A), Entry("old2", A).ToJson());
        Assert.Equal([["old1", "old2"]], await ReadAsync(reader, A));
        Assert.Equal([A], counting.TakeSetReads());

        // A version without the epoch is not trusted either.
        await store.HashIncrementAsync(StoreKeys.RunningImageVersions, A);
        for (var round = 0; round < 2; round++)
        {
            Assert.Equal([["old1", "old2"]], await ReadAsync(reader, A));
            Assert.Equal([A], counting.TakeSetReads());
        }
        await store.SetAddAsync(StoreKeys.RunningImage(A), Entry("old3", A).ToJson());
        Assert.Equal([["old1", "old2", "old3"]], await ReadAsync(reader, A));
        Assert.Equal([A], counting.TakeSetReads());
        await store.DeleteAsync(StoreKeys.RunningImage(A));
    }

    [Theory, InlineData(false), InlineData(true)]
    public async Task A_set_held_before_the_versions_were_lost_is_read_again_even_at_the_same_version(bool redis)
    {
        var store = await StoreAsync(redis);
        var counting = new CountingStore(store);
        var reader = Inventory(counting);
        await PutAsync(Inventory(store), "before", A);
        await PutAsync(Inventory(store), "b1", B);
        Assert.Equal([["before"], ["b1"]], await ReadAsync(reader, A, B));
        var held = await store.HashGetManyAsync(StoreKeys.RunningImageVersions, [A]);

        // Redis lost everything (a restart without persistence), and a restarted writer fills it again.
        await store.DeleteAsync(StoreKeys.RunningImageVersions);
        await store.DeleteAsync(StoreKeys.RunningImage(A));
        await store.DeleteAsync(StoreKeys.RunningPod(Pod("before")));
        await PutAsync(Inventory(store), "after", A);

        Assert.Equal(held, await store.HashGetManyAsync(StoreKeys.RunningImageVersions, [A]));
        counting.TakeSetReads();
        Assert.Equal([["after"], ["b1"]], await ReadAsync(reader, A, B));
        Assert.Equal([A, B], counting.TakeSetReads());
        Assert.Equal([["after"], ["b1"]], await ReadAsync(reader, A, B));
        Assert.Equal([B], counting.TakeSetReads()); // B has no version in the new life of the hash
    }

    [Theory, InlineData(false), InlineData(true)]
    public async Task Two_replicas_over_one_store_see_each_others_changes(bool redis)
    {
        var one = Inventory(await StoreAsync(redis));
        // On Redis, a connection of its own: another process.
        var two = Inventory(await StoreAsync(redis));
        await PutAsync(one, "a1", A);
        Assert.Equal([["a1"]], await ReadAsync(two, A));
        Assert.Equal([["a1"]], await ReadAsync(one, A));

        await PutAsync(two, "a2", A);
        Assert.Equal([["a1", "a2"]], await ReadAsync(one, A));
        await one.RemovePodAsync(Pod("a1"));
        await PutAsync(one, "a3", B);
        Assert.Equal([["a2"], ["a3"]], await ReadAsync(two, A, B));
        Assert.Equal([["a2"], ["a3"]], await ReadAsync(one, A, B));

        // Concurrent writes of one digest's set by both: every increment counts, the last read shows all.
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => PutAsync(i % 2 == 0 ? one : two, $"c{i:D2}", C)));
        Assert.Equal(20, (await ReadAsync(one, C))[0].Length);
        Assert.Equal((await ReadAsync(one, C))[0], (await ReadAsync(two, C))[0]);
    }

    /// <summary>In-process: one store per test. Redis: a connection of its own per call, as another process has.</summary>
    private async Task<IKeyValueStore> StoreAsync(bool redis)
    {
        if (!redis) return _shared ??= new InMemoryKeyValueStore();
        var config = ConfigurationOptions.Parse(TestInfra.Redis);
        config.DefaultDatabase = RedisDatabase;
        var connection = await ConnectionMultiplexer.ConnectAsync(config);
        _connections.Add(connection);
        return new RedisKeyValueStore(connection);
    }

    private RuntimeInventory Inventory(IKeyValueStore store)
    {
        var inventory = new RuntimeInventory(store);
        _inventories.Add(inventory);
        return inventory;
    }

    private string Digest(char c) => "sha256:" + _run + new string(c, 52);

    private string Pod(string name) => $"ns-{_run}/{name}";

    private WorkloadEntry Entry(string pod, string digest) =>
        new($"ns-{_run}", "Deployment", "app", pod, "app", "node-1", "reg/app:1", digest, DateTimeOffset.UnixEpoch, WorkloadEntry.FromWatch);

    private Task PutAsync(RuntimeInventory inventory, string pod, string digest)
    {
        lock (_pods) _pods.Add(Pod(pod));
        return inventory.PutPodAsync(Pod(pod), [Entry(pod, digest)]);
    }

    private static async Task<string[][]> ReadAsync(RuntimeInventory inventory, params string[] digests) =>
        [.. (await inventory.WorkloadsOfManyAsync(digests)).Select(Names)];

    private static string[] Names(IReadOnlyList<WorkloadEntry> entries) => [.. entries.Select(e => e.Pod)];

    /// <summary>Counts the running sets read and can write in the gap between the version read and the set read.</summary>
    private sealed class CountingStore(IKeyValueStore inner) : DelegatingKeyValueStore(inner)
    {
        private readonly ConcurrentQueue<string> _setReads = new();

        /// <summary>Runs once, after the next read of versions returned.</summary>
        public Func<Task>? AfterVersionRead { get; set; }

        /// <summary>The digests whose running set was read since the last call, in order.</summary>
        public string[] TakeSetReads()
        {
            var digests = new List<string>();
            while (_setReads.TryDequeue(out var key)) digests.Add(key[StoreKeys.RunningImage("").Length..]);
            return [.. digests];
        }

        public override async Task<IReadOnlyList<long?>> HashGetManyAsync(string key, IReadOnlyList<string> fields)
        {
            var versions = await Inner.HashGetManyAsync(key, fields);
            if (AfterVersionRead is { } write)
            {
                AfterVersionRead = null;
                await write();
            }
            return versions;
        }

        public override Task<IReadOnlyList<string>> SetMembersAsync(string key)
        {
            _setReads.Enqueue(key);
            return Inner.SetMembersAsync(key);
        }

        public override Task<IReadOnlyList<IReadOnlyList<string>>> SetMembersManyAsync(IReadOnlyList<string> keys)
        {
            foreach (var key in keys) _setReads.Enqueue(key);
            return Inner.SetMembersManyAsync(keys);
        }
    }
}
