using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Gatehouse.Contracts;
using Gatehouse.Policy.Inventory;
using Gatehouse.Policy.Where;
using Gatehouse.Scanner.CycloneDx;
using Gatehouse.Scanner.Sbom;
using Gatehouse.ServiceDefaults.Store;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gatehouse.Bench;

/// <summary>
/// The where-query on a large inventory: 10,000 images (SBOMs of 20 packages indexed as the scanner indexes them,
/// every image with openssl at one of 40 versions) and 50,000 running pods, plus an advisory naming 500 images.
/// Queries, one of each kind: a name with a range (half the images), an exact versioned purl (1/40 of the images), a rare
/// package, an advisory id, and the broadest ones, a bare name and a bare purl matching every image and all 50,000
/// workloads. Each is timed as <see cref="WhereQuery.RunAsync"/> (the full join: every matching image with every
/// workload, parsed and ordered; no cap) in a warm process, against a floor measured in the same run: the raw
/// <c>SMEMBERS</c> of exactly the keys the query reads, all in one batch, without parsing or joining anything
/// (<c>ratio</c> = query p50 / floor p50). Also reported: the first broad query of a fresh inventory (nothing parsed yet,
/// as in a new CLI process) and the JSON serialization the HTTP API adds for the broad answer.
/// In-process store by default; real Redis when GATEHOUSE_REDIS is set, in database <see cref="RedisDatabase"/> unless
/// the address names one: the inventory keys are global (a reconcile by a test or service sharing database 0 removes
/// the benchmark's pods). Names carry a run id so runs do not collide; the keys are left for inspection. A run whose
/// inventory changed under it (broad answer other than every image and pod) fails.
/// </summary>
public static class WhereBenchmark
{
    private const int Images = 10_000;
    private const int Pods = 50_000;
    private const int PackagesPerImage = 20;
    private const int Rounds = 30;
    private const int RedisDatabase = 15;

    public static async Task<int> RunAsync(string[] args)
    {
        _ = args;
        var address = Environment.GetEnvironmentVariable("GATEHOUSE_REDIS");
        ConnectionMultiplexer? redis = string.IsNullOrWhiteSpace(address) ? null : await ConnectionMultiplexer.ConnectAsync(Isolated(address));
        using var redisScope = redis;
        IKeyValueStore store = redis is null ? new InMemoryKeyValueStore() : new RedisKeyValueStore(redis);
        // Digits only: the run id also ends the advisory id (CVE-2099-<id>).
        var id = RandomNumberGenerator.GetInt32(100_000, 999_999).ToString(CultureInfo.InvariantCulture);
        var openssl = "openssl" + id;
        var random = new Random(8);
        using var inventory = new RuntimeInventory(store);

        var seed = Stopwatch.StartNew();
        var digests = Enumerable.Range(0, Images).Select(i => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(i * 7919 + id.GetHashCode(StringComparison.Ordinal))))).ToArray();
        var index = new SbomIndex(store);
        await Parallel.ForEachAsync(Enumerable.Range(0, Images), new ParallelOptions { MaxDegreeOfParallelism = redis is null ? 1 : 32 }, async (i, _) =>
        {
            var local = new Random(i);
            var components = new List<BomComponent> { new() { Name = openssl, Purl = $"pkg:deb/debian/{openssl}@3.0.{i % 40}-1~deb12u1?arch=amd64" } };
            for (var p = 1; p < PackagesPerImage; p++)
            {
                var name = $"lib{id}-{local.Next(2_000)}";
                components.Add(new BomComponent { Name = name, Purl = $"pkg:deb/debian/{name}@1.{local.Next(10)}.0-1" });
            }
            var record = new SbomRecord(digests[i], "reg", "app", "reg/app@" + digests[i], new string('0', 64), components.Count, "bench", [], DateTimeOffset.UnixEpoch);
            await index.IndexAsync(record, new Bom { Components = components }, "{}"u8.ToArray());
        });
        for (var i = 0; i < 500; i++)
        {
            var digest = digests[i * (Images / 500)];
            await store.SetAddAsync(StoreKeys.AdvisoryImages("CVE-2099-" + id), new AdvisoryImageMember(digest, openssl, "3.0.1-1~deb12u1", null).Format());
        }
        for (var p = 0; p < Pods; p++)
        {
            var digest = digests[p < Images ? p : random.Next(Images)];
            var ns = "ns-" + (p % 200).ToString(CultureInfo.InvariantCulture);
            var pod = $"app-{p / 5}-{p}";
            await inventory.PutPodAsync($"{ns}/{pod}", [new WorkloadEntry(ns, "Deployment", $"app-{p / 5}", pod, "app", $"node-{p % 300}", "reg/app:1", digest,
                DateTimeOffset.UnixEpoch.AddDays(20_000), WorkloadEntry.FromWatch)]);
        }
        Console.WriteLine($"seeded  {Images} images x {PackagesPerImage} packages, {Pods} pods in {seed.Elapsed.TotalSeconds:F1} s ({(redis is null ? "in-process store" : $"Redis {address} database {redis.GetDatabase().Database}")})");

        var options = Options.Create(new InventoryOptions());
        WhereQuery Where(IKeyValueStore on, RuntimeInventory held) => new(on, held, options, TimeProvider.System);
        var where = Where(store, inventory);
        var queries = new (string Kind, string Text)[]
        {
            ("range", $"{openssl}@<3.0.20"), ("purl", $"pkg:deb/debian/{openssl}@3.0.7-1~deb12u1"), ("rare", $"lib{id}-1234"),
            ("advisory", "CVE-2099-" + id), ("broad", openssl), ("broad_purl", $"pkg:deb/debian/{openssl}"),
        };
        var measured = new List<(string Kind, Timing Query, Timing Floor, WhereResult Result)>();
        foreach (var (kind, text) in queries)
        {
            if (!WhereQueryText.TryParse(text, out var query, out var error)) throw new InvalidOperationException(error);
            // The keys this query reads, recorded on a fresh inventory: the floor reads exactly them, in one batch.
            var recording = new RecordingStore(store);
            using (var fresh = new RuntimeInventory(recording)) await Where(recording, fresh).RunAsync(query!);
            var keys = recording.Keys;
            var floor = await TimeAsync(() => store.SetMembersManyAsync(keys));
            WhereResult result = null!;
            var timing = await TimeAsync(async () => result = await where.RunAsync(query!));
            measured.Add((kind, timing, floor, result));
            Console.WriteLine($"query   {kind,-10} {text,-42} {result.Images.Count,6} images {result.Workloads,6} workloads  p50 {timing.P50,6:F1} ms  " +
                $"p95 {timing.P95,6:F1} ms  floor p50 {floor.P50,6:F1} ms ({keys.Count} sets)  ratio {timing.P50 / floor.P50:F2}  " +
                $"alloc {timing.AllocatedMb:F1} MB (floor {floor.AllocatedMb:F1})");
        }

        if (!WhereQueryText.TryParse(openssl, out var broad, out _)) throw new InvalidOperationException("the broad query");
        var cold = new List<double>();
        for (var r = 0; r < 3; r++)
        {
            using var fresh = new RuntimeInventory(store);
            var started = Stopwatch.GetTimestamp();
            await Where(store, fresh).RunAsync(broad!);
            cold.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        var broadResult = measured.Single(m => m.Kind == "broad").Result;
        var json = await TimeAsync(() => Task.FromResult(JsonSerializer.SerializeToUtf8Bytes(broadResult, WhereJsonContext.Default.WhereResult)));
        var jsonBytes = JsonSerializer.SerializeToUtf8Bytes(broadResult, WhereJsonContext.Default.WhereResult).Length;
        Console.WriteLine($"broad   first query of a fresh inventory (parses all {broadResult.Workloads} entries) {cold.Min():F1} ms (best of 3); " +
            $"JSON of the answer {jsonBytes / 1e6:F1} MB in p50 {json.P50:F1} ms (the HTTP API adds it; not in the query times)");

        if (broadResult.Images.Count != Images || broadResult.Workloads != Pods)
        {
            await Console.Error.WriteLineAsync($"the inventory changed during the run: the broad query found {broadResult.Images.Count} images and " +
                $"{broadResult.Workloads} workloads, not {Images} and {Pods} (another process writing the same Redis database?)");
            return 1;
        }
        var worst = measured.MaxBy(m => m.Query.P50);
        var worstRatio = measured.Max(m => m.Query.P50 / m.Floor.P50);
        var byKind = string.Join(' ', measured.Select(m => $"{m.Kind}_ms={m.Query.P50:F1}"));
        Console.WriteLine($"RESULT where ms={worst.Query.P50:F1} p95_ms={measured.Max(m => m.Query.P95):F1} worst={worst.Kind} " +
            $"floor_ms={worst.Floor.P50:F1} ratio={worst.Query.P50 / worst.Floor.P50:F2} max_ratio={worstRatio:F2} {byKind} " +
            $"broad_cold_ms={cold.Min():F1} broad_json_ms={json.P50:F1} broad_workloads={broadResult.Workloads} images={Images} pods={Pods} " +
            $"store={(redis is null ? "in-process" : "redis")}");
        return 0;
    }

    private static ConfigurationOptions Isolated(string address)
    {
        var config = ConfigurationOptions.Parse(address);
        config.DefaultDatabase ??= RedisDatabase;
        return config;
    }

    /// <param name="AllocatedMb">Managed allocation per run (all threads).</param>
    private readonly record struct Timing(double P50, double P95, double AllocatedMb);

    /// <summary>One warm-up, then <see cref="Rounds"/> timed runs.</summary>
    private static async Task<Timing> TimeAsync<T>(Func<Task<T>> action)
    {
        await action();
        var times = new List<double>(Rounds);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        for (var r = 0; r < Rounds; r++)
        {
            var started = Stopwatch.GetTimestamp();
            await action();
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        times.Sort();
        return new Timing(times[Rounds / 2], times[Rounds * 95 / 100], allocated / 1e6 / Rounds);
    }

    /// <summary>The store, remembering every set key read (for the floor).</summary>
    private sealed class RecordingStore(IKeyValueStore inner) : DelegatingKeyValueStore(inner)
    {
        private readonly List<string> _keys = [];

        public IReadOnlyList<string> Keys
        {
            get
            {
                lock (_keys) return [.. _keys];
            }
        }

        public override Task<IReadOnlyList<string>> SetMembersAsync(string key)
        {
            lock (_keys) _keys.Add(key);
            return Inner.SetMembersAsync(key);
        }

        public override Task<IReadOnlyList<IReadOnlyList<string>>> SetMembersManyAsync(IReadOnlyList<string> keys)
        {
            lock (_keys) _keys.AddRange(keys);
            return Inner.SetMembersManyAsync(keys);
        }
    }
}
