using Gatehouse.Contracts;
using Gatehouse.Policy.Inventory;
using Gatehouse.Policy.Where;
using Gatehouse.ServiceDefaults.Store;
using Microsoft.Extensions.Options;
using static Gatehouse.Policy.Tests.Inventory.InventoryFixture;

namespace Gatehouse.Policy.Tests.Inventory;

/// <summary>
/// The read path the where-query uses: many digests' workloads in one read, parsed once and ordered, and never stale
/// (a set that changed is parsed again), whether the store hands back the same strings (in-process) or fresh copies in
/// another order (as Redis does).
/// </summary>
public sealed class WorkloadReadTests : IDisposable
{
    private static readonly string A = Digest('a'), B = Digest('b'), C = Digest('c');
    private readonly InMemoryKeyValueStore _store = new();
    private readonly FreshCopies _copies;
    private readonly RuntimeInventory _inventory, _overCopies;

    public WorkloadReadTests()
    {
        _copies = new FreshCopies(_store);
        _inventory = new RuntimeInventory(_store);
        _overCopies = new RuntimeInventory(_copies);
    }

    public void Dispose()
    {
        _inventory.Dispose();
        _overCopies.Dispose();
    }

    [Fact]
    public async Task Many_digests_are_read_at_once_in_their_order_with_entries_ordered_and_unreadable_ones_skipped()
    {
        await PutAsync("shop", "web-b", A, "web");
        await PutAsync("shop", "web-a", A, "web");
        await PutAsync("batch", "job-x", A, "job");
        await PutAsync("shop", "api-0", B, "api");
        await _store.SetAddAsync(StoreKeys.RunningImage(A), "{not json");

        foreach (var inventory in new[] { _inventory, _overCopies })
        {
            for (var round = 0; round < 3; round++)
            {
                var sets = await inventory.WorkloadsOfManyAsync([B, C, A]);
                Assert.Equal(["shop/api-0"], Names(sets[0]));
                Assert.Empty(sets[1]);
                Assert.Equal(["batch/job-x", "shop/web-a", "shop/web-b"], Names(sets[2]));
                Assert.Equal(Names(sets[2]), Names(await inventory.WorkloadsOfAsync(A)));
            }
        }
        Assert.Empty(await _inventory.WorkloadsOfManyAsync([]));
    }

    [Fact]
    public async Task A_changed_set_is_read_anew_even_with_the_same_size()
    {
        await PutAsync("shop", "web-a", A, "web");
        await PutAsync("shop", "web-b", A, "web");
        foreach (var inventory in new[] { _inventory, _overCopies }) Assert.Equal(["shop/web-a", "shop/web-b"], Names((await inventory.WorkloadsOfManyAsync([A]))[0]));

        // One pod replaced by another with a name of the same length: the same count, other texts.
        await _inventory.RemovePodAsync("shop/web-b");
        await PutAsync("shop", "web-c", A, "web");
        foreach (var inventory in new[] { _inventory, _overCopies }) Assert.Equal(["shop/web-a", "shop/web-c"], Names((await inventory.WorkloadsOfManyAsync([A]))[0]));

        await PutAsync("shop", "web-a", B, "web");
        foreach (var inventory in new[] { _inventory, _overCopies })
        {
            var sets = await inventory.WorkloadsOfManyAsync([A, B]);
            Assert.Equal(["shop/web-c"], Names(sets[0]));
            Assert.Equal(["shop/web-a"], Names(sets[1]));
        }
    }

    [Fact]
    public async Task The_where_query_counts_admitted_entries_only_while_young_and_lists_running_images_first()
    {
        var now = DateTimeOffset.UtcNow;
        await new StoreSeed(_store).VersionAsync("pkg:deb/debian/openssl", "3.0.11", A, B, C);
        await _inventory.PutPodAsync("shop/web", [Entry("shop", "web", C, now.AddDays(-30), WorkloadEntry.FromWatch)]);
        await _inventory.PutPodAsync("shop/old", [Entry("shop", "old", C, now.AddDays(-2), WorkloadEntry.FromAdmission)]);
        await _inventory.PutPodAsync("shop/new", [Entry("shop", "new", C, now.AddMinutes(-5), WorkloadEntry.FromAdmission)]);
        await _inventory.PutPodAsync("ops/stale", [Entry("ops", "stale", B, now.AddDays(-2), WorkloadEntry.FromAdmission)]);

        foreach (var inventory in new[] { _inventory, _overCopies })
        {
            var store = inventory == _inventory ? (IKeyValueStore)_store : _copies;
            var where = new WhereQuery(store, inventory, Options.Create(new InventoryOptions { AdmittedTtl = TimeSpan.FromDays(1) }), TimeProvider.System);
            Assert.True(WhereQueryText.TryParse("openssl", out var query, out _));
            var result = await where.RunAsync(query!);

            // The running image first, then the others by package, version and digest; B's only entry has expired.
            Assert.Equal([C, A, B], result.Images.Select(i => i.Digest));
            Assert.Equal(["shop/new", "shop/web"], Names(result.Images[0].Workloads));
            Assert.All(result.Images.Skip(1), i => Assert.Empty(i.Workloads));
            Assert.Equal((1, 2), (result.RunningImages, result.Workloads));
        }
    }

    private static string[] Names(IEnumerable<WorkloadEntry> entries) => [.. entries.Select(e => $"{e.Namespace}/{e.Pod}")];

    private static WorkloadEntry Entry(string ns, string pod, string digest, DateTimeOffset since, string source) =>
        new(ns, "Deployment", pod, pod, "app", "node-1", "reg/app:1", digest, since, source);

    private Task PutAsync(string ns, string pod, string digest, string owner) =>
        _inventory.PutPodAsync($"{ns}/{pod}", [new WorkloadEntry(ns, "Deployment", owner, pod, "app", "node-1", "reg/app:1", digest, DateTimeOffset.UnixEpoch, WorkloadEntry.FromWatch)]);

    /// <summary>The SBOM index keys the scanner writes for one versioned purl, for the where-query to find.</summary>
    private sealed class StoreSeed(IKeyValueStore store)
    {
        public async Task VersionAsync(string purl, string version, params string[] digests)
        {
            await store.SetAddAsync(StoreKeys.PackageNames(PackageNameKey.Of(PackageNameKey.NameOfPurl(purl))), purl);
            await store.SetAddAsync(StoreKeys.PackageVersions(purl), $"{purl}@{version}");
            foreach (var digest in digests) await store.SetAddAsync(StoreKeys.PackageVersionImages($"{purl}@{version}"), digest);
        }
    }

    /// <summary>Reads return new string instances in reverse order, as a store decoding replies (Redis) may.</summary>
    private sealed class FreshCopies(IKeyValueStore inner) : DelegatingKeyValueStore(inner)
    {
        public override async Task<IReadOnlyList<string>> SetMembersAsync(string key) => Copy(await Inner.SetMembersAsync(key));

        public override async Task<IReadOnlyList<IReadOnlyList<string>>> SetMembersManyAsync(IReadOnlyList<string> keys) =>
            [.. (await Inner.SetMembersManyAsync(keys)).Select(Copy)];

        private static string[] Copy(IReadOnlyList<string> members) => [.. members.Reverse().Select(m => new string(m.AsSpan()))];
    }
}
