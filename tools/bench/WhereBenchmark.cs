using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
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
/// Queries: a package name with a range (half the images), a rare package, an advisory id, and the broadest one
/// (a bare name matching every image and all 50,000 workloads). In-process store by default; real Redis when
/// GATEHOUSE_REDIS is set (names carry a run id so runs do not collide; the keys are left for inspection).
/// </summary>
public static class WhereBenchmark
{
    private const int Images = 10_000;
    private const int Pods = 50_000;
    private const int PackagesPerImage = 20;
    private const int Rounds = 30;

    public static async Task<int> RunAsync(string[] args)
    {
        _ = args;
        var address = Environment.GetEnvironmentVariable("GATEHOUSE_REDIS");
        ConnectionMultiplexer? redis = string.IsNullOrWhiteSpace(address) ? null : await ConnectionMultiplexer.ConnectAsync(address);
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
        Console.WriteLine($"seeded  {Images} images x {PackagesPerImage} packages, {Pods} pods in {seed.Elapsed.TotalSeconds:F1} s ({(redis is null ? "in-process store" : "Redis " + address)})");

        var where = new WhereQuery(store, inventory, Options.Create(new InventoryOptions()), TimeProvider.System);
        var range = await MeasureAsync(where, $"{openssl}@<3.0.20");
        var rare = await MeasureAsync(where, $"lib{id}-1234");
        var advisory = await MeasureAsync(where, "CVE-2099-" + id);
        var broad = await MeasureAsync(where, openssl);
        Console.WriteLine($"RESULT where ms={range.P50:F1} p95_ms={range.P95:F1} rare_ms={rare.P50:F1} advisory_ms={advisory.P50:F1} broad_ms={broad.P50:F1} " +
            $"range_images={range.Images} range_workloads={range.Workloads} broad_workloads={broad.Workloads} images={Images} pods={Pods} store={(redis is null ? "in-process" : "redis")}");
        return 0;
    }

    private static async Task<(double P50, double P95, int Images, int Workloads)> MeasureAsync(WhereQuery where, string text)
    {
        if (!WhereQueryText.TryParse(text, out var query, out var error)) throw new InvalidOperationException(error);
        var result = await where.RunAsync(query!);
        var times = new List<double>(Rounds);
        for (var r = 0; r < Rounds; r++)
        {
            var started = Stopwatch.GetTimestamp();
            result = await where.RunAsync(query!);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        times.Sort();
        Console.WriteLine($"query   {text,-28} {result.Images.Count,6} images {result.Workloads,6} workloads  p50 {times[Rounds / 2],7:F1} ms  p95 {times[Rounds * 95 / 100],7:F1} ms");
        return (times[Rounds / 2], times[Rounds * 95 / 100], result.Images.Count, result.Workloads);
    }
}
