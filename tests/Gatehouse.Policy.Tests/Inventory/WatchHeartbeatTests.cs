using System.Collections.Concurrent;
using Gatehouse.Contracts;
using Gatehouse.Policy.Inventory;
using Gatehouse.ServiceDefaults.Store;
using Gatehouse.Testing;
using Microsoft.Extensions.Logging;
using static Gatehouse.Policy.Tests.Inventory.InventoryFixture;

namespace Gatehouse.Policy.Tests.Inventory;

/// <summary>
/// The leader's "watch synced" key (<see cref="StoreKeys.InventoryWatchSynced"/>), which keeps the admission feed out
/// of the inventory: set after a list, refreshed (throttled) on watch progress, gone when the watch stops, leadership
/// ends or pods may not be read; and a watch without permission backs off, says so once, and recovers by itself.
/// </summary>
public sealed class WatchHeartbeatTests : IAsyncLifetime, IDisposable
{
    private static readonly string A = Digest('a'), B = Digest('b');
    private static readonly string[] All = [A, B];
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private readonly RecordingStore _store = new();
    private readonly RuntimeInventory _inventory;
    private FakeKubernetesApi _api = null!;

    public WatchHeartbeatTests() => _inventory = new RuntimeInventory(_store);

    public async Task InitializeAsync() => _api = await FakeKubernetesApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    public void Dispose() => _inventory.Dispose();

    private Task<string?> HeartbeatAsync() => _store.GetAsync(StoreKeys.InventoryWatchSynced);

    private int PodRequests(string client) =>
        _api.ClientRequests.Count(r => r.Client == client && r.Path.StartsWith("/api/v1/pods", StringComparison.Ordinal));

    [Fact]
    public async Task The_key_is_set_after_the_list_with_twice_the_watch_timeout_and_deleted_when_the_watcher_stops()
    {
        _api.Upsert(Pod("shop", "one", "reg/web@" + A));
        var options = FastOptions();
        options.WatchTimeout = TimeSpan.FromSeconds(40);
        var watcher = Watcher(_api, _inventory, _store, options, client: "policy-a");
        await watcher.StartAsync(CancellationToken.None);

        await ConvergesAsync(_inventory, All, $"shop/one/app@{A} Pod/one");
        var value = await Eventually.GetAsync(HeartbeatAsync, Wait, "the heartbeat");
        Assert.Matches(@"^policy-a \d{4}-\d\d-\d\dT", value);
        var (_, ttl) = Assert.Single(_store.Sets, s => s.Key == StoreKeys.InventoryWatchSynced);
        Assert.Equal(TimeSpan.FromSeconds(80), ttl);

        await watcher.StopAsync(CancellationToken.None);
        Assert.Null(await HeartbeatAsync());
    }

    [Fact]
    public async Task Watch_progress_refreshes_the_key_at_most_once_per_interval()
    {
        _api.Upsert(Pod("shop", "one", "reg/web@" + A));
        var options = FastOptions();
        options.HeartbeatInterval = TimeSpan.FromMilliseconds(800);
        var watcher = Watcher(_api, _inventory, _store, options);
        await watcher.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => _api.ActiveWatches == 1, Wait, "the watch to open");
        int Beats() => _store.Sets.Count(s => s.Key == StoreKeys.InventoryWatchSynced);
        Assert.Equal(1, Beats());

        for (var i = 0; i < 5; i++) _api.Bookmark();
        _api.Upsert(Pod("shop", "two", "reg/api@" + B));
        await ConvergesAsync(_inventory, All, $"shop/one/app@{A} Pod/one", $"shop/two/app@{B} Pod/two");
        Assert.True(Beats() <= 2, $"{Beats()} heartbeats within one interval");

        await Task.Delay(options.HeartbeatInterval + TimeSpan.FromMilliseconds(200));
        var before = Beats();
        _api.Bookmark();
        await Eventually.TrueAsync(() => Beats() == before + 1, Wait, "a bookmark after the interval to refresh the key");
        await watcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Losing_leadership_stops_the_watch_at_once_and_deletes_the_key_regaining_it_lists_again()
    {
        _api.Upsert(Pod("shop", "one", "reg/web@" + A));
        var leadership = new InventoryLeadership("policy-a");
        var watcher = Watcher(_api, _inventory, _store, leadership: leadership, client: "policy-a");
        await watcher.StartAsync(CancellationToken.None);

        // Not leading: nothing is asked of the API server and no key is written.
        await Task.Delay(500);
        Assert.Equal(0, PodRequests("policy-a"));
        Assert.Null(await HeartbeatAsync());

        leadership.Acquired();
        await ConvergesAsync(_inventory, All, $"shop/one/app@{A} Pod/one");
        await Eventually.TrueAsync(() => _api.ActiveWatches == 1, Wait, "the leader's watch");
        Assert.NotNull(await HeartbeatAsync());

        leadership.Lost();
        await Eventually.TrueAsync(() => _api.ActiveWatches == 0, TimeSpan.FromSeconds(3), "the watch to stop with leadership");
        await Eventually.GetAsync(async () => await HeartbeatAsync() is null ? "" : null, TimeSpan.FromSeconds(3), "the key to go");
        _api.Upsert(Pod("shop", "two", "reg/api@" + B));
        await Task.Delay(500);
        Assert.Empty(await _inventory.WorkloadsOfAsync(B));

        // A new term starts from a list (another leader may have written meanwhile).
        leadership.Acquired();
        await ConvergesAsync(_inventory, All, $"shop/one/app@{A} Pod/one", $"shop/two/app@{B} Pod/two");
        Assert.Equal(2, watcher.Lists);
        Assert.NotNull(await Eventually.GetAsync(HeartbeatAsync, Wait, "the key of the new term"));

        await watcher.StopAsync(CancellationToken.None);
        Assert.Null(await HeartbeatAsync());
        leadership.Dispose();
    }

    [Fact]
    public async Task Without_permission_on_pods_the_watch_backs_off_says_so_once_and_keeps_the_key_absent()
    {
        _api.Upsert(Pod("shop", "one", "reg/web@" + A));
        var options = FastOptions();
        options.MaxBackoff = TimeSpan.FromMilliseconds(400);
        var logger = new ListLogger<PodInventoryWatcher>();
        var watcher = Watcher(_api, _inventory, _store, options, logger: logger, client: "policy-a");
        await watcher.StartAsync(CancellationToken.None);
        await ConvergesAsync(_inventory, All, $"shop/one/app@{A} Pod/one");
        Assert.NotNull(await Eventually.GetAsync(HeartbeatAsync, Wait, "the heartbeat"));

        // The RBAC rule goes away: the resumed watch and every list after it get 403.
        _api.ForbidPods = true;
        _api.DisconnectWatches();
        await Eventually.TrueAsync(() => watcher.Forbidden, Wait, "the watcher to notice");
        await Eventually.GetAsync(async () => await HeartbeatAsync() is null ? "" : null, TimeSpan.FromSeconds(3), "the key to go at once");

        // It keeps trying (however slowly a busy machine lets it) ...
        var before = PodRequests("policy-a");
        await Eventually.TrueAsync(() => PodRequests("policy-a") - before >= 2, TimeSpan.FromSeconds(30), "two more attempts");
        // ... and never spins: ~0.32–0.48 s apart (the capped backoff with jitter), so at most 8 in any 2 s.
        before = PodRequests("policy-a");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.InRange(PodRequests("policy-a") - before, 0, 8);
        Assert.Null(await HeartbeatAsync());
        Assert.Equal(1, logger.Count(LogLevel.Warning, "no permission to watch pods"));
        Assert.Equal(1, logger.Count(LogLevel.Warning, "inventory falls back to the admission feed"));
        // Only the dropped connection was an ordinary failure; the 403s are not logged per retry.
        Assert.InRange(logger.Count(LogLevel.Warning, "watch failed"), 0, 1);

        // Permission back: the watcher lists, reconciles and is synced again without a restart.
        _api.Delete("shop", "one");
        _api.Upsert(Pod("shop", "two", "reg/api@" + B));
        _api.ForbidPods = false;
        await ConvergesAsync(_inventory, All, $"shop/two/app@{B} Pod/two");
        Assert.NotNull(await Eventually.GetAsync(HeartbeatAsync, Wait, "the heartbeat again"));
        Assert.False(watcher.Forbidden);
        Assert.Equal(1, logger.Count(LogLevel.Information, "granted again"));
        await watcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_watcher_that_never_had_permission_never_sets_the_key()
    {
        _api.ForbidPods = true;
        var watcher = Watcher(_api, _inventory, _store, client: "policy-a");
        await watcher.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => watcher.Forbidden, Wait, "the 403");
        await Task.Delay(500);
        Assert.Null(await HeartbeatAsync());
        Assert.DoesNotContain(_store.Sets, s => s.Key == StoreKeys.InventoryWatchSynced);
        await watcher.StopAsync(CancellationToken.None);
    }

    /// <summary>The in-process store, remembering every string set with its TTL.</summary>
    private sealed class RecordingStore() : DelegatingKeyValueStore(new InMemoryKeyValueStore())
    {
        public ConcurrentQueue<(string Key, TimeSpan? Ttl)> Sets { get; } = new();

        public override Task SetAsync(string key, string value, TimeSpan? ttl = null)
        {
            Sets.Enqueue((key, ttl));
            return Inner.SetAsync(key, value, ttl);
        }
    }
}
