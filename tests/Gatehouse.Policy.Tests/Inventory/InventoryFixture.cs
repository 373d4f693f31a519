using System.Text.Json.Nodes;
using Gatehouse.Policy.Inventory;
using Gatehouse.Testing;
using Gatehouse.ServiceDefaults.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gatehouse.Policy.Tests.Inventory;

/// <summary>Pods as the API server serves them, a watcher wired to the fake server, and "does the store hold the truth".</summary>
internal static class InventoryFixture
{
    public static string Digest(char c) => "sha256:" + new string(c, 64);

    /// <summary>A running pod; <paramref name="imageId"/> set means the kubelet resolved a tag-only image.</summary>
    public static JsonObject Pod(string ns, string name, string image, string? imageId = null, string? ownerKind = null, string? ownerName = null,
        string? templateHash = null, string phase = "Running", string node = "node-1")
    {
        var metadata = new JsonObject { ["name"] = name, ["namespace"] = ns, ["uid"] = Guid.NewGuid().ToString(), ["creationTimestamp"] = "2026-01-02T03:04:05Z" };
        if (templateHash is not null) metadata["labels"] = new JsonObject { ["pod-template-hash"] = templateHash };
        if (ownerKind is not null)
        {
            metadata["ownerReferences"] = new JsonArray(new JsonObject
            {
                ["apiVersion"] = "apps/v1", ["kind"] = ownerKind, ["name"] = ownerName, ["uid"] = Guid.NewGuid().ToString(), ["controller"] = true,
            });
        }
        var status = new JsonObject { ["phase"] = phase, ["startTime"] = "2026-01-02T03:04:06Z" };
        if (imageId is not null)
        {
            status["containerStatuses"] = new JsonArray(new JsonObject
            {
                ["name"] = "app", ["image"] = image, ["imageID"] = imageId, ["ready"] = true, ["restartCount"] = 0,
                ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = "2026-01-02T03:04:07Z" } },
            });
        }
        return new JsonObject
        {
            ["kind"] = "Pod", ["apiVersion"] = "v1", ["metadata"] = metadata,
            ["spec"] = new JsonObject { ["nodeName"] = node, ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = image }) },
            ["status"] = status,
        };
    }

    public static InventoryOptions FastOptions() => new()
    {
        Mode = InventoryMode.On, InitialBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromMilliseconds(200),
        ResyncInterval = TimeSpan.FromMinutes(10), WatchTimeout = TimeSpan.FromMinutes(1), ListPageSize = 2,
    };

    /// <summary>A single-process watcher (leads unconditionally; its heartbeat goes to a store of its own).</summary>
    public static PodInventoryWatcher Watcher(FakeKubernetesApi api, RuntimeInventory inventory, InventoryOptions? options = null) =>
        Watcher(api, inventory, new InMemoryKeyValueStore(), options);

    /// <summary>
    /// A watcher on the fake server; without <paramref name="leadership"/> it leads unconditionally (a single process).
    /// Its requests carry <paramref name="client"/> (<see cref="FakeKubernetesApi.ClientRequests"/>).
    /// </summary>
    public static PodInventoryWatcher Watcher(FakeKubernetesApi api, RuntimeInventory inventory, IKeyValueStore store, InventoryOptions? options = null,
        IInventoryLeadership? leadership = null, ILogger<PodInventoryWatcher>? logger = null, string client = "watcher")
    {
        var kubernetes = api.Client(client);
        return new PodInventoryWatcher(kubernetes, inventory, new OwnerResolver(new KubernetesOwnerLookup(kubernetes)),
            leadership ?? InventoryLeadership.Unconditional(client), store, Options.Create(options ?? FastOptions()), TimeProvider.System,
            logger ?? NullLogger<PodInventoryWatcher>.Instance);
    }

    /// <summary>Every (pod, container, digest, owner) the store holds, by the digest sets (what the where-query reads).</summary>
    public static async Task<SortedSet<string>> HeldAsync(RuntimeInventory inventory, IEnumerable<string> digests)
    {
        var held = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var digest in digests)
        {
            foreach (var w in await inventory.WorkloadsOfAsync(digest)) held.Add($"{w.Namespace}/{w.Pod}/{w.Container}@{w.Digest} {w.OwnerKind}/{w.OwnerName}");
        }
        foreach (var podKey in await inventory.PodKeysAsync())
        {
            if ((await inventory.PodEntriesAsync(podKey)).Count == 0) held.Add("empty record " + podKey);
        }
        return held;
    }

    public static async Task ConvergesAsync(RuntimeInventory inventory, IEnumerable<string> digests, params string[] expected)
    {
        var want = new SortedSet<string>(expected, StringComparer.Ordinal);
        SortedSet<string> last = [];
        try
        {
            await Eventually.GetAsync(async () => (last = await HeldAsync(inventory, digests)).SetEquals(want) ? last : null,
                TimeSpan.FromSeconds(20), "the inventory to equal the pods");
        }
        catch (TimeoutException)
        {
            Assert.Equal(string.Join("\n", want), string.Join("\n", last));
        }
    }
}
