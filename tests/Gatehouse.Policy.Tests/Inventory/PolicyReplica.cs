using System.Collections.Concurrent;
using Gatehouse.Policy.Inventory;
using Gatehouse.ServiceDefaults.Store;
using Microsoft.Extensions.Options;

namespace Gatehouse.Policy.Tests.Inventory;

/// <summary>
/// One policy replica as the host wires it when replicas share a store: the Lease election, the leadership it keeps
/// and the pod watcher that runs while it leads, all talking to the fake API server as client <see cref="Name"/>.
/// </summary>
internal sealed class PolicyReplica : IDisposable
{
    public const string Namespace = "gatehouse";
    public const string LeaseName = "gatehouse-policy-inventory";

    private PolicyReplica(string name, FakeKubernetesApi api, IKeyValueStore store, LeadershipOptions leadershipOptions, InventoryOptions inventoryOptions)
    {
        Name = name;
        Leadership = new InventoryLeadership(name);
        Leadership.LeadershipChanged += (_, leading) => Transitions.Enqueue((DateTimeOffset.UtcNow, leading));
        Inventory = new RuntimeInventory(store);
        Election = new LeadershipElection(api.Client(name), Leadership, Options.Create(leadershipOptions), TimeProvider.System,
            ElectionLogger);
        Watcher = InventoryFixture.Watcher(api, Inventory, store, inventoryOptions, Leadership, Logger, name);
    }

    public string Name { get; }

    public InventoryLeadership Leadership { get; }

    public LeadershipElection Election { get; }

    public PodInventoryWatcher Watcher { get; }

    public RuntimeInventory Inventory { get; }

    public ListLogger<PodInventoryWatcher> Logger { get; } = new();

    public ListLogger<LeadershipElection> ElectionLogger { get; } = new();

    /// <summary>Every change of leadership, with when it happened.</summary>
    public ConcurrentQueue<(DateTimeOffset At, bool Leading)> Transitions { get; } = new();

    /// <summary>Fast enough for tests and still ordered as in production: retry + renew deadline &lt; lease duration.</summary>
    public static LeadershipOptions FastLeadership(int leaseSeconds = 3) => new()
    {
        LeaseName = LeaseName, LeaseNamespace = Namespace, LeaseDuration = TimeSpan.FromSeconds(leaseSeconds),
        RenewDeadline = TimeSpan.FromSeconds(2), RetryPeriod = TimeSpan.FromMilliseconds(250),
    };

    public static async Task<PolicyReplica> StartAsync(string name, FakeKubernetesApi api, IKeyValueStore store,
        LeadershipOptions? leadership = null, InventoryOptions? inventory = null)
    {
        leadership ??= FastLeadership();
        Assert.True(new LeadershipOptionsValidator().Validate(null, leadership).Succeeded);
        var replica = new PolicyReplica(name, api, store, leadership, inventory ?? InventoryFixture.FastOptions());
        // The host's order: the election first, then the watcher (and the reverse on shutdown).
        await replica.Election.StartAsync(CancellationToken.None);
        await replica.Watcher.StartAsync(CancellationToken.None);
        return replica;
    }

    public async Task StopAsync()
    {
        await Watcher.StopAsync(CancellationToken.None);
        await Election.StopAsync(CancellationToken.None);
    }

    public void Dispose()
    {
        Watcher.Dispose();
        Election.Dispose();
        Inventory.Dispose();
        Leadership.Dispose();
    }
}
