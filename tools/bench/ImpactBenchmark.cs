using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Gatehouse.Contracts;
using Gatehouse.Contracts.Decisions;
using Gatehouse.Contracts.Messages;
using Gatehouse.Policy.Facts;
using Gatehouse.Policy.Impact;
using Gatehouse.Policy.Inventory;
using Gatehouse.Policy.Model;
using Gatehouse.Policy.Sources;
using Gatehouse.ServiceDefaults.Store;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gatehouse.Bench;

/// <summary>
/// One impact snapshot (what the inventory leader takes every interval for the gauges and the dashboard's charts) over
/// 50,000 pods running 10,000 images in 200 namespaces, each image with its vulnerability fact and a decision under the
/// profile governing its namespaces. Floor: the raw reads the snapshot cannot avoid, each kind in one batch (the pod
/// records, the facts, the decisions). Also shown: the pod records read one at a time, as the sampler used to.
/// In-process store by default; with GATEHOUSE_REDIS, Redis database <see cref="RedisDatabase"/> (emptied first: the
/// inventory's keys are global) unless the address names a database, which must then be empty.
/// </summary>
public static class ImpactBenchmark
{
    private const int Images = 10_000;
    private const int Pods = 50_000;
    private const int Namespaces = 200;
    private const int Rounds = 5;
    private const int RedisDatabase = 14;
    private static readonly string[] Profiles = ["prod", "dev"];

    public static async Task<int> RunAsync(string[] args)
    {
        _ = args;
        var address = Environment.GetEnvironmentVariable("GATEHOUSE_REDIS");
        using var redis = await BenchRedis.ConnectAsync(RedisDatabase, allowAdmin: true);
        if (redis is not null && !await EmptyAsync(redis)) return 1;
        IKeyValueStore store = redis is null ? new InMemoryKeyValueStore() : new RedisKeyValueStore(redis);

        var seed = Stopwatch.StartNew();
        var digests = Enumerable.Range(0, Images).Select(i => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(i)))).ToArray();
        var policies = new PolicySetHolder();
        policies.Replace(FilePolicySource.LoadBuiltIn(new PolicyLoadOptions(DateTimeOffset.UtcNow)).Policies);
        var namespaces = new NamespaceProfiles(store, policies, TimeProvider.System);
        var facts = new FactStore(store);
        using var inventory = new RuntimeInventory(store);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = redis is null ? 1 : 32 };
        for (var n = 0; n < Namespaces; n++) await namespaces.RecordAsync(Namespace(n), [n % 2 == 0 ? "prod" : "dev"]);
        await Parallel.ForEachAsync(Enumerable.Range(0, Images), parallel, async (i, _) =>
        {
            var digest = digests[i];
            await facts.PutVulnerabilitiesAsync(new VulnerabilitiesFound(digest, "bench", i % 7 == 0 ? 1 : 0, i % 3, 2, 1, 0, 0, 0, 0, "adv-1", "sbom", DateTimeOffset.UtcNow));
            foreach (var profile in Profiles)
            {
                var status = profile == "prod" && i % 7 == 0 ? DecisionStatus.Deny : DecisionStatus.Allow;
                var record = new DecisionRecord(digest, profile, status, [], 1, "", "adv-1", DateTimeOffset.UtcNow, null, null, "");
                await store.SetAsync(StoreKeys.Decision(profile, digest), JsonSerializer.Serialize(record, DecisionJsonContext.Default.DecisionRecord));
            }
        });
        await Parallel.ForEachAsync(Enumerable.Range(0, Pods), parallel, async (p, _) =>
        {
            var digest = digests[p < Images ? p : p * 7919 % Images];
            var ns = Namespace(p % Namespaces);
            await inventory.PutPodAsync($"{ns}/app-{p}", [new WorkloadEntry(ns, "Deployment", $"app-{p / 5}", $"app-{p}", "app", $"node-{p % 300}",
                "reg/app:1", digest, DateTimeOffset.UtcNow, WorkloadEntry.FromWatch)]);
        });
        Console.WriteLine($"seeded  {Pods} pods running {Images} images in {Namespaces} namespaces in {seed.Elapsed.TotalSeconds:F1} s " +
            $"({(redis is null ? "in-process store" : $"Redis {address} database {redis.GetDatabase().Database}")})");

        var calculator = new ImpactCalculator(store, inventory, facts, namespaces, Options.Create(new InventoryOptions()), TimeProvider.System);
        var snapshot = await calculator.ComputeAsync(CancellationToken.None);
        if (snapshot.RunningWorkloads != Pods || snapshot.RunningImagesBySeverity.Values.Sum() != Images)
        {
            await Console.Error.WriteLineAsync($"the snapshot counted {snapshot.RunningWorkloads} workloads and {snapshot.RunningImagesBySeverity.Values.Sum()} images, " +
                $"not {Pods} and {Images} (another process writing the same database?)");
            return 1;
        }
        Console.WriteLine($"snapshot {snapshot.RunningWorkloads} workloads; denied but running: {string.Join(", ", snapshot.DeniedRunningByProfile.Select(p => $"{p.Key} {p.Value}"))}");

        var podKeys = await inventory.PodKeysAsync();
        var decisionKeys = digests.SelectMany(d => Profiles.Select(profile => StoreKeys.Decision(profile, d))).ToArray();
        var measured = await TimeAsync(() => calculator.ComputeAsync(CancellationToken.None));
        var floor = await TimeAsync(async () =>
        {
            await inventory.PodKeysAsync();
            await inventory.PodEntriesManyAsync(podKeys);
            await facts.VulnerabilitiesOfManyAsync(digests);
            return await store.GetManyAsync(decisionKeys);
        });
        var oneByOne = await TimeAsync(async () =>
        {
            foreach (var key in podKeys) await inventory.PodEntriesAsync(key);
            return podKeys.Count;
        }, rounds: 1);
        Console.WriteLine($"snapshot p50 {measured:F0} ms; floor (pod records, facts, decisions, each in one batch) {floor:F0} ms; " +
            $"pod records one at a time {oneByOne:F0} ms");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT impact ms={measured:F0} floor_ms={floor:F0} ratio={measured / floor:F2} one_by_one_pods_ms={oneByOne:F0} pods={Pods} images={Images}"));
        return 0;
    }

    private static string Namespace(int n) => "ns-" + n.ToString(CultureInfo.InvariantCulture);

    /// <summary>Empties the benchmark's own database; a database the address names must be empty already.</summary>
    private static async Task<bool> EmptyAsync(ConnectionMultiplexer redis)
    {
        var db = redis.GetDatabase();
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        if (db.Database == RedisDatabase)
        {
            await server.FlushDatabaseAsync(db.Database);
            return true;
        }
        if (await server.DatabaseSizeAsync(db.Database) == 0) return true;
        await Console.Error.WriteLineAsync($"Redis database {db.Database} is not empty; run against an empty database (the inventory's keys are global).");
        return false;
    }

    /// <summary>One warm-up, then the median of <paramref name="rounds"/> timed runs, in ms.</summary>
    private static async Task<double> TimeAsync<T>(Func<Task<T>> action, int rounds = Rounds)
    {
        await action();
        var times = new double[rounds];
        for (var r = 0; r < rounds; r++)
        {
            var watch = Stopwatch.StartNew();
            await action();
            times[r] = watch.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return times[rounds / 2];
    }
}
