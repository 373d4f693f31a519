using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Cli.Commands;
using Gatehouse.Contracts.Decisions;
using Gatehouse.Contracts.Messages;
using Gatehouse.Policy.Inventory;
using Gatehouse.Policy.Tests.Inventory;
using Gatehouse.Policy.Where;
using Gatehouse.Scanner.Advisories.Store;
using Gatehouse.Scanner.Vulnerabilities;
using Gatehouse.Testing;
using k8s;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Integration.Tests;

/// <summary>
/// Issue 8's "done when" on the real services: two real images pushed to the registry and scanned (RabbitMQ, Redis),
/// pods for them appearing and disappearing in a fake Kubernetes API server that the policy host watches, then a new
/// advisory for a package only the second image has (curl, in its second layer). <c>gatehouse where curl</c> and the
/// advisory id, read from Redis by the CLI, list exactly the workloads still running it, and the impact event that
/// the re-decision publishes on RabbitMQ names the same workloads.
/// </summary>
[Collection(RealServicesCollection.Name)]
public sealed class WhereRunningPipelineTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("gatehouse-where-e2e-");

    [Fact]
    public async Task Where_and_the_impact_event_name_exactly_the_workloads_still_running_the_affected_image()
    {
        var run = RandomNumberGenerator.GetInt32(100_000, 1_000_000).ToString(CultureInfo.InvariantCulture);
        var (profile, ns, cve) = ($"where-{run}", $"shop-{run}", $"CVE-2999-{run}");
        var curl = File.ReadAllLines(Path.Combine(TestInfra.ImagesDirectory, "debian12-extra.dpkg-query.tsv"))
            .Select(line => line.Split('\t')).Single(f => f[0] == "curl");
        var advisories = Path.Combine(_work.FullName, "advisories.db");
        var updates = Directory.CreateDirectory(Path.Combine(_work.FullName, "updates")).FullName;
        var initial = Directory.CreateDirectory(Path.Combine(_work.FullName, "initial")).FullName;
        File.WriteAllText(Path.Combine(initial, "other.json"), VulnerabilityPipelineTests.Osv(
            $"GHT-{run}-0", "Debian:12", "no-such-package-" + run, "1.0", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", null));
        using (var store = AdvisoryStore.Open(advisories)) await store.ImportAsync(initial);
        var policy = Path.Combine(_work.FullName, "policy.yaml");
        File.WriteAllText(policy, $$"""
            apiVersion: gatehouse.dev/v1alpha1
            kind: ImagePolicy
            metadata: {name: {{profile}}}
            spec:
              profile: {{profile}}
              namespaceSelector:
                matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: [{{ns}}]}]
              registries: ['{{TestInfra.Registry}}/**']
              vulnerabilities: {denySeverity: HIGH}
            """);

        await using var api = await FakeKubernetesApi.StartAsync();
        await using var pipeline = await RealPipeline.StartAsync(new RealPipelineOptions
        {
            Scanner = new Dictionary<string, string?>
            {
                ["Gatehouse:Scanner:Advisories:Path"] = advisories,
                ["Gatehouse:Scanner:Advisories:Sources:0"] = updates,
                ["Gatehouse:Scanner:Advisories:SyncInterval"] = "00:00:01",
            },
            Policy = new Dictionary<string, string?>
            {
                ["Gatehouse:Decisions:MacKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                ["Gatehouse:Policy:Files:0"] = policy,
                ["Gatehouse:Inventory:Mode"] = "On",
                ["Gatehouse:Inventory:InitialBackoff"] = "00:00:00.05",
                ["Gatehouse:Inventory:MaxBackoff"] = "00:00:00.5",
            },
            PolicyServices = s => s.AddSingleton<IKubernetes>(new Kubernetes(new KubernetesClientConfiguration { Host = api.Url.ToString() })),
        });
        var impacts = new ConcurrentQueue<RunningImageDenied>();
        var bus = pipeline.PolicyServices.GetRequiredService<IBus>();
        var listener = bus.ConnectReceiveEndpoint(new TemporaryEndpointDefinition(), null, e =>
            e.Handler<RunningImageDenied>(context =>
            {
                impacts.Enqueue(context.Message);
                return Task.CompletedTask;
            }));
        await listener.Ready;

        // Two images pushed and scanned; the profile allows both (no finding of this run's data yet).
        var web = await PushAsync(pipeline, "debian12", "12", $"e2e/where-web-{run}");
        var api2 = await PushAsync(pipeline, "debian12-extra", "12-extra", $"e2e/where-api-{run}");
        foreach (var digest in new[] { web, api2 })
        {
            await DecisionAsync(pipeline, profile, digest, r => r.Status == DecisionStatus.Allow, $"{profile} allows {digest}");
        }

        // Pods come and go: web runs twice, api twice and as a job; then the job ends and one api replica goes.
        var image = (string digest) => $"{TestInfra.Registry}/e2e/app@{digest}";
        api.Upsert(InventoryPod(ns, "web-6c9f-a", image(web), "ReplicaSet", "web-6c9f", "6c9f"));
        api.Upsert(InventoryPod(ns, "web-6c9f-b", image(web), "ReplicaSet", "web-6c9f", "6c9f"));
        api.Upsert(InventoryPod(ns, "api-7d4b-a", image(api2), "ReplicaSet", "api-7d4b", "7d4b"));
        api.Upsert(InventoryPod(ns, "api-7d4b-b", image(api2), "ReplicaSet", "api-7d4b", "7d4b"));
        api.Upsert(InventoryPod(ns, "nightly-29000000-x", image(api2), "Job", "nightly-29000000", null));
        var inventory = pipeline.PolicyServices.GetRequiredService<RuntimeInventory>();
        await ConvergesAsync(inventory, web, "web-6c9f-a", "web-6c9f-b");
        await ConvergesAsync(inventory, api2, "api-7d4b-a", "api-7d4b-b", "nightly-29000000-x");
        api.DisconnectWatches();
        api.Delete(ns, "nightly-29000000-x");
        api.Delete(ns, "api-7d4b-b");
        await ConvergesAsync(inventory, api2, "api-7d4b-a");

        // The new advisory: curl (only in the second image's second layer), High, fixed one revision later.
        File.WriteAllText(Path.Combine(updates, "curl.json"), VulnerabilityPipelineTests.Osv(
            $"GHT-{run}-1", "Debian:12", curl[2], curl[3] + ".1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", cve));
        var denied = await Eventually.GetAsync(() => Task.FromResult(impacts.FirstOrDefault(i => i.Digest == api2 && i.Profile == profile)),
            Patience, "the impact event for the second image");
        var named = Assert.Single(denied.Workloads);
        Assert.Equal((ns, "Deployment", "api", "api-7d4b-a", "app"), (named.Namespace, named.OwnerKind, named.OwnerName, named.Pod, named.Container));
        Assert.Contains(cve, denied.AdvisoryIds);
        Assert.Equal(DecisionStatus.Allow, denied.PreviousStatus);
        Assert.DoesNotContain(impacts, i => i.Digest == web && i.Profile == profile);

        // The CLI, on Redis: the package and the advisory id name exactly the workloads still running the image.
        foreach (var query in new[] { "curl", cve, $"pkg:deb/debian/curl@{Uri.EscapeDataString(curl[1])}" })
        {
            var result = await WhereAsync(query);
            // The advisory names both binaries of source curl (curl, libcurl4): one row each, for the same image.
            var running = result.Images.Where(i => i.Workloads.Count > 0).ToList();
            Assert.Equal([api2], running.Select(i => i.Digest).Distinct());
            Assert.Equal(query == cve ? ["curl", "libcurl4"] : ["curl"], running.Select(i => i.Package).Order(StringComparer.Ordinal));
            Assert.All(running, i => Assert.Equal([$"{ns}/Deployment/api/api-7d4b-a/app"],
                i.Workloads.Select(w => $"{w.Namespace}/{w.OwnerKind}/{w.OwnerName}/{w.Pod}/{w.Container}")));
        }
        await listener.StopAsync();
    }

    private static async Task<string> PushAsync(RealPipeline pipeline, string layoutName, string tag, string repository)
    {
        var layout = Path.Combine(TestInfra.ImagesDirectory, layoutName);
        var digest = (await pipeline.Images.ForLayout(layout).ResolveAsync("", tag)).ManifestDigest;
        await pipeline.Store.DeleteAsync(VulnerabilityKeys.State(digest)); // this run's advisories, not a stored result
        await RealPipeline.PushAsync(layout, tag, repository, tag);
        return digest;
    }

    private static Task<DecisionRecord> DecisionAsync(RealPipeline pipeline, string profile, string digest, Func<DecisionRecord, bool> wanted, string what) =>
        Eventually.GetAsync(async () => Policy.Decisions.DecisionRecorder.Parse(await pipeline.Store.GetAsync(Contracts.StoreKeys.Decision(profile, digest)))
            is { } record && wanted(record) ? record : null, Patience, what);

    private static async Task ConvergesAsync(RuntimeInventory inventory, string digest, params string[] pods) =>
        await Eventually.GetAsync(async () => (await inventory.WorkloadsOfAsync(digest)).Select(w => w.Pod).Order(StringComparer.Ordinal)
            .SequenceEqual(pods.Order(StringComparer.Ordinal)) ? pods : null, Patience, $"the inventory to hold {string.Join(", ", pods)} for {digest}");

    private static async Task<WhereResult> WhereAsync(string query)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await Verbs.RunAsync(["where", query, "--redis", TestInfra.Redis, "--format", "json"], stdout, stderr, CancellationToken.None);
        Assert.True(exit == 0, $"gatehouse where {query} exited {exit}: {stderr}");
        return JsonSerializer.Deserialize(stdout.ToString(), WhereJsonContext.Default.WhereResult)!;
    }

    /// <summary>A running pod as the API server serves it (one container "app", on a node).</summary>
    private static JsonObject InventoryPod(string ns, string name, string image, string ownerKind, string ownerName, string? templateHash)
    {
        var metadata = new JsonObject
        {
            ["name"] = name, ["namespace"] = ns, ["uid"] = Guid.NewGuid().ToString(), ["creationTimestamp"] = "2026-11-27T00:00:00Z",
            ["ownerReferences"] = new JsonArray(new JsonObject
            {
                ["apiVersion"] = "apps/v1", ["kind"] = ownerKind, ["name"] = ownerName, ["uid"] = Guid.NewGuid().ToString(), ["controller"] = true,
            }),
        };
        if (templateHash is not null) metadata["labels"] = new JsonObject { ["pod-template-hash"] = templateHash };
        return new JsonObject
        {
            ["kind"] = "Pod", ["apiVersion"] = "v1", ["metadata"] = metadata,
            ["spec"] = new JsonObject { ["nodeName"] = "node-1", ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = image }) },
            ["status"] = new JsonObject { ["phase"] = "Running", ["startTime"] = "2026-11-27T00:00:01Z" },
        };
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _work.Delete(recursive: true);
    }
}
