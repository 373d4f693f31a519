using Gatehouse.Contracts;
using Gatehouse.ServiceDefaults.Store;
using Gatehouse.Testing;
using Microsoft.Extensions.Logging;
using static Gatehouse.Policy.Tests.Inventory.InventoryFixture;

namespace Gatehouse.Policy.Tests.Inventory;

/// <summary>
/// Several policy replicas sharing one store (Redis in production) and one API server (the fake, with Leases that
/// conflict as the real ones do): exactly one leads and only its watcher lists and watches pods; a leader that can no
/// longer renew stops its watch before another takes over; a leader that shuts down hands over at once.
/// </summary>
public sealed class LeaderElectionTests : IAsyncLifetime
{
    private static readonly string A = Digest('a'), B = Digest('b'), C = Digest('c');
    private static readonly string[] All = [A, B, C];
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly InMemoryKeyValueStore _store = new();
    private readonly List<PolicyReplica> _replicas = [];
    private FakeKubernetesApi _api = null!;

    public async Task InitializeAsync() => _api = await FakeKubernetesApi.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.StopAsync();
            replica.Dispose();
        }
        await _api.DisposeAsync();
    }

    private async Task<PolicyReplica> StartAsync(string name, int leaseSeconds = 3)
    {
        var replica = await PolicyReplica.StartAsync(name, _api, _store, PolicyReplica.FastLeadership(leaseSeconds));
        _replicas.Add(replica);
        return replica;
    }

    private static Task<PolicyReplica> LeaderAsync(params PolicyReplica[] replicas) =>
        Eventually.GetAsync(() => Task.FromResult(replicas.Count(r => r.Leadership.IsLeader) == 1 ? replicas.Single(r => r.Leadership.IsLeader) : null),
            Wait, "exactly one leader");

    private int PodRequests(PolicyReplica replica) =>
        _api.ClientRequests.Count(r => r.Client == replica.Name && r.Path.StartsWith("/api/v1/pods", StringComparison.Ordinal));

    private async Task<string?> HeartbeatAsync() => await _store.GetAsync(StoreKeys.InventoryWatchSynced);

    /// <summary>Replicas a and b over pods one and two, once one of them leads and its inventory holds both pods.</summary>
    private async Task<(PolicyReplica Leader, PolicyReplica Follower)> TwoReplicasAsync()
    {
        _api.Upsert(Pod("shop", "one", "reg/web@" + A));
        _api.Upsert(Pod("shop", "two", "reg/api@" + B));
        var a = await StartAsync("policy-a");
        var b = await StartAsync("policy-b");
        var leader = await LeaderAsync(a, b);
        await ConvergesAsync(leader.Inventory, All, $"shop/one/app@{A} Pod/one", $"shop/two/app@{B} Pod/two");
        return (leader, leader == a ? b : a);
    }

    [Fact]
    public async Task Two_replicas_elect_one_leader_and_only_its_watcher_lists_and_watches_pods()
    {
        var (leader, follower) = await TwoReplicasAsync();
        Assert.Equal(leader.Name, _api.LeaseHolder(PolicyReplica.Namespace, PolicyReplica.LeaseName));
        await Eventually.TrueAsync(() => follower.Leadership.Leader == leader.Name, Wait, "the follower to see the leader");

        // Several renewals later: still one leader, never two at once, and the follower has not touched pods.
        for (var i = 0; i < 15; i++)
        {
            Assert.False(leader.Leadership.IsLeader && follower.Leadership.IsLeader, "two leaders at once");
            await Task.Delay(100);
        }
        Assert.True(leader.Leadership.IsLeader);
        Assert.Equal(0, follower.Watcher.Lists);
        Assert.Equal(0, PodRequests(follower));
        Assert.True(PodRequests(leader) >= 2, "the leader lists and watches");
        Assert.Contains(_api.ClientRequests, r => r.Client == follower.Name && r.Path.Contains("/leases/", StringComparison.Ordinal));
        Assert.StartsWith(leader.Name + " ", await HeartbeatAsync(), StringComparison.Ordinal);

        // Changes reach the store through the leader's watch alone.
        _api.Upsert(Pod("shop", "three", "reg/backup@" + C));
        await ConvergesAsync(follower.Inventory, All, $"shop/one/app@{A} Pod/one", $"shop/two/app@{B} Pod/two", $"shop/three/app@{C} Pod/three");
        Assert.Equal(0, PodRequests(follower));
    }

    [Fact]
    public async Task When_the_leader_stops_renewing_it_stops_watching_before_the_other_takes_over()
    {
        var (leader, follower) = await TwoReplicasAsync();

        // The leader is cut off from the API server (its renewals and its watch fail); pods change meanwhile.
        _api.Partition(leader.Name);
        _api.Delete("shop", "one");
        _api.Upsert(Pod("shop", "three", "reg/backup@" + C));

        await Eventually.TrueAsync(() => !leader.Leadership.IsLeader, Wait, "the cut-off leader to give up");
        await Eventually.TrueAsync(() => follower.Leadership.IsLeader, Wait, "the other replica to take over");
        var lost = leader.Transitions.Last(t => !t.Leading).At;
        var taken = follower.Transitions.Last(t => t.Leading).At;
        Assert.True(lost < taken, $"the old leader stopped ({lost:O}) before the new one started ({taken:O})");
        Assert.Equal(follower.Name, _api.LeaseHolder(PolicyReplica.Namespace, PolicyReplica.LeaseName));
        Assert.True(_api.LeaseTransitions(PolicyReplica.Namespace, PolicyReplica.LeaseName) >= 1);

        // The new leader lists, reconciles what changed during the handover and keeps the heartbeat.
        await ConvergesAsync(follower.Inventory, All, $"shop/two/app@{B} Pod/two", $"shop/three/app@{C} Pod/three");
        await Eventually.TrueAsync(() => follower.Watcher.Lists >= 1, Wait, "the new leader's list");
        Assert.StartsWith(follower.Name + " ", await HeartbeatAsync(), StringComparison.Ordinal);

        // The old leader's watcher has stopped: no more pod requests, and once reconnected it stays a follower.
        var before = PodRequests(leader);
        _api.Heal(leader.Name);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Equal(before, PodRequests(leader));
        Assert.False(leader.Leadership.IsLeader);
        Assert.True(follower.Leadership.IsLeader);
        Assert.Equal(follower.Name, leader.Leadership.Leader);
    }

    [Fact]
    public async Task A_leader_that_shuts_down_releases_the_lease_and_the_other_takes_over_at_once()
    {
        _api.Upsert(Pod("shop", "one", "reg/web@" + A));
        var a = await StartAsync("policy-a", leaseSeconds: 10);
        await LeaderAsync(a);
        await Eventually.TrueAsync(() => a.Watcher.Lists == 1, Wait, "the first leader's list");
        var b = await StartAsync("policy-b", leaseSeconds: 10);
        await Task.Delay(500);
        Assert.False(b.Leadership.IsLeader);

        var stopped = DateTimeOffset.UtcNow;
        await a.StopAsync();
        Assert.False(a.Leadership.IsLeader);
        // A released lease is free at once; an abandoned one would keep b waiting the full 10 s.
        await Eventually.TrueAsync(() => b.Leadership.IsLeader, TimeSpan.FromSeconds(7), "the other replica to take the released lease");
        Assert.True(DateTimeOffset.UtcNow - stopped < TimeSpan.FromSeconds(7));
        await ConvergesAsync(b.Inventory, All, $"shop/one/app@{A} Pod/one");
        await Eventually.GetAsync(async () => (await HeartbeatAsync())?.StartsWith(b.Name + " ", StringComparison.Ordinal) == true ? "" : null,
            Wait, "the new leader's heartbeat");
    }

    [Fact]
    public async Task A_replica_that_may_not_use_the_lease_never_leads_and_says_so_once()
    {
        _api.Upsert(Pod("shop", "one", "reg/web@" + A));
        _api.ForbidLeases = true;
        var a = await StartAsync("policy-a");

        // It keeps trying (however slowly a busy machine lets it), never leading meanwhile.
        await Eventually.TrueAsync(() => _api.ClientRequests.Count(r => r.Client == a.Name) >= 3, TimeSpan.FromSeconds(30), "three attempts on the lease");
        Assert.False(a.Leadership.IsLeader);
        Assert.Equal(0, PodRequests(a));
        Assert.Null(await HeartbeatAsync());
        Assert.Equal(1, a.ElectionLogger.Count(LogLevel.Warning, "no permission on lease"));

        // Once the Role is fixed it leads without a restart.
        _api.ForbidLeases = false;
        await LeaderAsync(a);
        await ConvergesAsync(a.Inventory, All, $"shop/one/app@{A} Pod/one");
        Assert.Equal(1, a.ElectionLogger.Count(LogLevel.Information, "readable and writable again"));
    }
}
