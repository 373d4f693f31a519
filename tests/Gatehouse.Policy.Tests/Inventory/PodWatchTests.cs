using Gatehouse.Policy.Inventory;
using Gatehouse.ServiceDefaults.Store;
using Gatehouse.Testing;
using static Gatehouse.Policy.Tests.Inventory.InventoryFixture;

namespace Gatehouse.Policy.Tests.Inventory;

/// <summary>
/// The pod watch against a fake API server speaking the list/watch protocol: after every fault (dropped connection,
/// 410 Gone, restart with a stale store) the inventory must equal the pods that exist.
/// </summary>
public sealed class PodWatchTests : IAsyncLifetime, IDisposable
{
    private static readonly string A = Digest('a'), B = Digest('b'), C = Digest('c');
    private static readonly string[] All = [A, B, C];
    private readonly InMemoryKeyValueStore _store = new();
    private readonly RuntimeInventory _inventory;
    private FakeKubernetesApi _api = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeKubernetesApi.StartAsync();
    }

    public PodWatchTests() => _inventory = new RuntimeInventory(_store);

    public async Task DisposeAsync() => await _api.DisposeAsync();

    public void Dispose() => _inventory.Dispose();

    private async Task<PodInventoryWatcher> StartAsync()
    {
        var watcher = Watcher(_api, _inventory);
        await watcher.StartAsync(CancellationToken.None);
        return watcher;
    }

    [Fact]
    public async Task Lists_in_pages_then_watches_resolving_owners_and_tag_only_images()
    {
        _api.Owners["shop/ReplicaSet/api-5f6d"] = ("Deployment", "api");
        _api.Upsert(Pod("shop", "web-7d4b9c-x1", "reg/web:1", imageId: "docker-pullable://reg/web@" + A, ownerKind: "ReplicaSet", ownerName: "web-7d4b9c", templateHash: "7d4b9c"));
        _api.Upsert(Pod("shop", "api-5f6d-y2", "reg/api@" + B, ownerKind: "ReplicaSet", ownerName: "api-5f6d"));
        _api.Upsert(Pod("ops", "backup-29000000-z3", "reg/backup@" + C, ownerKind: "Job", ownerName: "backup-29000000"));
        _api.Upsert(Pod("ops", "pending", "reg/web:2"));
        _api.Upsert(Pod("ops", "done", "reg/web@" + A, phase: "Succeeded"));
        var watcher = await StartAsync();

        await ConvergesAsync(_inventory, All,
            $"shop/web-7d4b9c-x1/app@{A} Deployment/web",
            $"shop/api-5f6d-y2/app@{B} Deployment/api",
            $"ops/backup-29000000-z3/app@{C} CronJob/backup");
        var entry = Assert.Single(await _inventory.WorkloadsOfAsync(A));
        Assert.Equal(("node-1", "reg/web:1", WorkloadEntry.FromWatch), (entry.Node, entry.Image, entry.Source));
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 7, TimeSpan.Zero), entry.Since);

        // The pending pod's image is resolved when the kubelet reports it; a deletion removes the pod.
        _api.Upsert(Pod("ops", "pending", "reg/web:2", imageId: "reg/web@" + B));
        _api.Delete("shop", "api-5f6d-y2");
        await ConvergesAsync(_inventory, All,
            $"shop/web-7d4b9c-x1/app@{A} Deployment/web",
            $"ops/pending/app@{B} Pod/pending",
            $"ops/backup-29000000-z3/app@{C} CronJob/backup");

        Assert.Equal(1, watcher.Lists);
        Assert.Contains(_api.Requests, r => r.Contains("watch=true", StringComparison.Ordinal) && r.Contains("allowWatchBookmarks=true", StringComparison.Ordinal));
        Assert.Contains(_api.Requests, r => r.Contains("limit=2", StringComparison.Ordinal) && r.Contains("continue=", StringComparison.Ordinal));
        await watcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_dropped_watch_resumes_from_the_last_version_and_catches_up()
    {
        _api.Upsert(Pod("shop", "one", "reg/web@" + A));
        var watcher = await StartAsync();
        await ConvergesAsync(_inventory, All, $"shop/one/app@{A} Pod/one");
        await Eventually.TrueAsync(() => _api.ActiveWatches == 1, TimeSpan.FromSeconds(10), "the watch to open");

        _api.DisconnectWatches();
        _api.Upsert(Pod("shop", "two", "reg/api@" + B));
        _api.Delete("shop", "one");

        await ConvergesAsync(_inventory, All, $"shop/two/app@{B} Pod/two");
        Assert.Equal(1, watcher.Lists);
        Assert.True(_api.Requests.Count(r => r.Contains("watch=true", StringComparison.Ordinal)) >= 2, "the watch was resumed");
        await watcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Gone_lists_again_and_removes_pods_deleted_meanwhile()
    {
        _api.Upsert(Pod("shop", "one", "reg/web@" + A));
        _api.Upsert(Pod("shop", "two", "reg/api@" + B));
        var watcher = await StartAsync();
        await ConvergesAsync(_inventory, All, $"shop/one/app@{A} Pod/one", $"shop/two/app@{B} Pod/two");
        await Eventually.TrueAsync(() => _api.ActiveWatches == 1, TimeSpan.FromSeconds(10), "the watch to open");

        // While the watch is down the history it would resume from is compacted away: only a re-list can catch up.
        _api.DisconnectWatches();
        _api.Delete("shop", "one");
        _api.Upsert(Pod("shop", "three", "reg/backup@" + C));
        _api.Compact();

        await ConvergesAsync(_inventory, All, $"shop/two/app@{B} Pod/two", $"shop/three/app@{C} Pod/three");
        await Eventually.TrueAsync(() => watcher.Lists >= 2, TimeSpan.FromSeconds(10), "a re-list after 410 Gone");

        // And the new watch keeps working.
        _api.Delete("shop", "two");
        await ConvergesAsync(_inventory, All, $"shop/three/app@{C} Pod/three");
        await watcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_restart_reconciles_a_stale_store_with_the_list()
    {
        _api.Upsert(Pod("shop", "one", "reg/web@" + A));
        _api.Upsert(Pod("shop", "two", "reg/api@" + B));
        var first = await StartAsync();
        await ConvergesAsync(_inventory, All, $"shop/one/app@{A} Pod/one", $"shop/two/app@{B} Pod/two");
        await first.StopAsync(CancellationToken.None);

        // Down: a pod goes, another changes image; the store still says what was true before.
        _api.Delete("shop", "one");
        _api.Upsert(Pod("shop", "two", "reg/api@" + C));
        _api.Compact();

        var second = await StartAsync();
        await ConvergesAsync(_inventory, All, $"shop/two/app@{C} Pod/two");
        Assert.Empty(await _inventory.WorkloadsOfAsync(A));
        Assert.Empty(await _inventory.WorkloadsOfAsync(B));
        await second.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Bookmarks_advance_the_version_a_resumed_watch_starts_from()
    {
        _api.Upsert(Pod("shop", "one", "reg/web@" + A));
        var watcher = await StartAsync();
        await Eventually.TrueAsync(() => _api.ActiveWatches == 1, TimeSpan.FromSeconds(10), "the watch to open");
        var listed = watcher.ResourceVersion;

        _api.Upsert(Pod("other", "x", "reg/web@" + B));
        _api.Delete("other", "x");
        _api.Bookmark();
        await Eventually.TrueAsync(() => watcher.ResourceVersion != listed && long.Parse(watcher.ResourceVersion!, System.Globalization.CultureInfo.InvariantCulture) >= long.Parse(listed!, System.Globalization.CultureInfo.InvariantCulture) + 2,
            TimeSpan.FromSeconds(10), "the bookmark's version");
        var bookmarked = watcher.ResourceVersion;

        _api.DisconnectWatches();
        await Eventually.TrueAsync(() => _api.Requests.Any(r => r.Contains("watch=true", StringComparison.Ordinal) && r.Contains("resourceVersion=" + bookmarked, StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10), "a watch resumed from the bookmark");
        await ConvergesAsync(_inventory, All, $"shop/one/app@{A} Pod/one");
        await watcher.StopAsync(CancellationToken.None);
    }
}
