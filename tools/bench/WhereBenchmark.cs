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
/// workload, parsed and ordered; no cap) in three states of one long-running inventory, as the policy API holds it:
/// <list type="bullet">
/// <item><b>warm</b>: nothing changed since the last query; its floor is the raw reads a warm query cannot avoid, the
/// index sets (<c>SMEMBERS</c>, one batch) and the versions of the digests' workload sets (<c>HMGET</c>), concurrently.</item>
/// <item><b>churn</b>: <see cref="ChurnPods"/> pods (1%) moved to another image before each query; its floor adds the
/// raw read of the workload sets whose version moved, after the versions (as the query must).</item>
/// <item><b>cold</b>: the broad query of a fresh inventory (nothing held, as in a new CLI process), against the raw
/// reads it makes: every index and workload set in one batch, and the versions.</item>
/// </list>
/// <c>ratio</c> = query p50 / floor p50. Also reported: the JSON serialization the HTTP API adds for the broad answer.
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
    private const int ChurnPods = Pods / 100;
    private const int ChurnRounds = 10;
    private const int RedisDatabase = 15;

    public static async Task<int> RunAsync(string[] args)
    {
        _ = args;
        var address = Environment.GetEnvironmentVariable("GATEHOUSE_REDIS");
        using var redis = await BenchRedis.ConnectAsync(RedisDatabase);
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
        // The writer is not the inventory queried: as with the watch in another replica, queries learn of changes
        // only from the versions in the store.
        using var writer = new RuntimeInventory(store);
        var placed = new string[Pods];
        for (var p = 0; p < Pods; p++)
        {
            placed[p] = digests[p < Images ? p : random.Next(Images)];
            await writer.PutPodAsync(PodKey(p), [PodEntry(p, placed[p])]);
        }
        Console.WriteLine($"seeded  {Images} images x {PackagesPerImage} packages, {Pods} pods in {seed.Elapsed.TotalSeconds:F1} s ({(redis is null ? "in-process store" : $"Redis {address} database {redis.GetDatabase().Database}")})");
        Console.WriteLine("legend  warm: query with nothing changed since the previous one (a long-running process, as the policy API); its floor: the raw " +
            "reads it cannot avoid, the index sets (one batch) and the versions of the digests' workload sets (HMGET), concurrently. " +
            $"churn: the query after {ChurnPods} pods (1%) moved image; its floor adds the raw read of the sets whose version moved. " +
            "cold: the broad query of a fresh process (nothing held, as the CLI); its floor: every set it reads in one batch and the versions. ratio = p50 / floor p50.");

        var options = Options.Create(new InventoryOptions());
        WhereQuery Where(IKeyValueStore on, RuntimeInventory held) => new(on, held, options, TimeProvider.System);
        var where = Where(store, inventory);
        var queries = new (string Kind, string Text)[]
        {
            ("range", $"{openssl}@<3.0.20"), ("purl", $"pkg:deb/debian/{openssl}@3.0.7-1~deb12u1"), ("rare", $"lib{id}-1234"),
            ("advisory", "CVE-2099-" + id), ("broad", openssl), ("broad_purl", $"pkg:deb/debian/{openssl}"),
        };
        var measured = new List<Measured>();
        foreach (var (kind, text) in queries)
        {
            var query = Parse(text);
            // What a cold and a warm query read, recorded on a fresh inventory: its first query reads every set, the
            // second only the index sets and the versions.
            var recording = new RecordingStore(store);
            Reads cold, warm;
            using (var fresh = new RuntimeInventory(recording))
            {
                await Where(recording, fresh).RunAsync(query);
                cold = recording.Take();
                await Where(recording, fresh).RunAsync(query);
                warm = recording.Take();
            }
            var floor = await TimeAsync(() => FloorAsync(store, warm, []));
            WhereResult result = null!;
            var timing = await TimeAsync(async () => result = await where.RunAsync(query));
            measured.Add(new Measured(kind, query, timing, floor, result, cold, warm));
            Console.WriteLine($"warm    {kind,-10} {text,-42} {result.Images.Count,6} images {result.Workloads,6} workloads  p50 {timing.P50,6:F1} ms  " +
                $"p95 {timing.P95,6:F1} ms  floor p50 {floor.P50,6:F1} ms ({warm.Sets.Count} index sets, {warm.Fields.Count} versions)  " +
                $"ratio {timing.P50 / floor.P50:F2}  alloc {timing.AllocatedMb:F1} MB (floor {floor.AllocatedMb:F1})");
        }
        var broad = measured.Single(m => m.Kind == "broad");
        if (broad.Result.Images.Count != Images || broad.Result.Workloads != Pods) return await ChangedAsync(broad.Result);

        var churn = new List<(string Kind, Timing Query, Timing Floor, int Sets)>();
        foreach (var m in measured)
        {
            var mine = m.Warm.Fields.ToHashSet(StringComparer.Ordinal);
            var times = new List<double>();
            var floors = new List<double>();
            var reread = new List<int>();
            double allocated = 0;
            for (var r = 0; r <= ChurnRounds; r++)
            {
                var touched = new HashSet<string>(StringComparer.Ordinal);
                for (var c = 0; c < ChurnPods; c++)
                {
                    var p = random.Next(Pods);
                    touched.Add(placed[p]);
                    touched.Add(placed[p] = digests[random.Next(Images)]);
                    await writer.PutPodAsync(PodKey(p), [PodEntry(p, placed[p])]);
                }
                string[] changed = [.. touched.Where(mine.Contains).Select(StoreKeys.RunningImage)];
                var before = GC.GetTotalAllocatedBytes(precise: true);
                var started = Stopwatch.GetTimestamp();
                await where.RunAsync(m.Text);
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                var bytes = GC.GetTotalAllocatedBytes(precise: true) - before;
                started = Stopwatch.GetTimestamp();
                await FloorAsync(store, m.Warm, changed);
                // Round 0 warms up the churn path (and its first writes); it is not counted.
                if (r == 0) continue;
                times.Add(elapsed);
                floors.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                reread.Add(changed.Length);
                allocated += bytes / 1e6 / ChurnRounds;
            }
            var (query, floor) = (Summarize(times, allocated), Summarize(floors, 0));
            reread.Sort();
            churn.Add((m.Kind, query, floor, reread[reread.Count / 2]));
            Console.WriteLine($"churn   {m.Kind,-10} after {ChurnPods} pods moved: p50 {query.P50,6:F1} ms  p95 {query.P95,6:F1} ms  floor p50 {floor.P50,6:F1} ms " +
                $"(+ {reread[reread.Count / 2]} changed sets, median)  ratio {query.P50 / floor.P50:F2}  alloc {query.AllocatedMb:F1} MB");
        }
        var afterChurn = await where.RunAsync(broad.Text);
        if (afterChurn.Images.Count != Images || afterChurn.Workloads != Pods) return await ChangedAsync(afterChurn);

        var coldTimes = new List<double>();
        for (var r = 0; r < 3; r++)
        {
            using var fresh = new RuntimeInventory(store);
            var started = Stopwatch.GetTimestamp();
            await Where(store, fresh).RunAsync(broad.Text);
            coldTimes.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        var coldFloor = await TimeAsync(() => FloorAsync(store, broad.Cold, []));
        var json = await TimeAsync(() => Task.FromResult(JsonSerializer.SerializeToUtf8Bytes(broad.Result, WhereJsonContext.Default.WhereResult)));
        var jsonBytes = JsonSerializer.SerializeToUtf8Bytes(broad.Result, WhereJsonContext.Default.WhereResult).Length;
        Console.WriteLine($"cold    broad first query of a fresh inventory (reads all {broad.Cold.Sets.Count} sets, parses all {broad.Result.Workloads} entries) " +
            $"{coldTimes.Min():F1} ms (best of 3), floor p50 {coldFloor.P50:F1} ms, ratio {coldTimes.Min() / coldFloor.P50:F2}; " +
            $"JSON of the answer {jsonBytes / 1e6:F1} MB in p50 {json.P50:F1} ms (the HTTP API adds it; not in the query times)");

        var worst = measured.MaxBy(m => m.Query.P50)!;
        var worstChurn = churn.MaxBy(c => c.Query.P50);
        var byKind = string.Join(' ', measured.Select(m => $"{m.Kind}_ms={m.Query.P50:F1}"));
        Console.WriteLine($"RESULT where ms={worst.Query.P50:F1} p95_ms={measured.Max(m => m.Query.P95):F1} worst={worst.Kind} " +
            $"floor_ms={worst.Floor.P50:F1} ratio={worst.Query.P50 / worst.Floor.P50:F2} max_ratio={measured.Max(m => m.Query.P50 / m.Floor.P50):F2} {byKind} " +
            $"churn_ms={worstChurn.Query.P50:F1} churn_p95_ms={churn.Max(c => c.Query.P95):F1} churn_worst={worstChurn.Kind} " +
            $"churn_floor_ms={worstChurn.Floor.P50:F1} churn_ratio={worstChurn.Query.P50 / worstChurn.Floor.P50:F2} churn_sets={worstChurn.Sets} " +
            $"broad_cold_ms={coldTimes.Min():F1} broad_cold_floor_ms={coldFloor.P50:F1} broad_json_ms={json.P50:F1} broad_workloads={broad.Result.Workloads} " +
            $"images={Images} pods={Pods} store={(redis is null ? "in-process" : "redis")}");
        return 0;

        string PodKey(int p) => $"ns-{p % 200}/app-{p / 5}-{p}";
    }

    private static WorkloadEntry PodEntry(int p, string digest)
    {
        var ns = "ns-" + (p % 200).ToString(CultureInfo.InvariantCulture);
        var pod = $"app-{p / 5}-{p}";
        return new WorkloadEntry(ns, "Deployment", $"app-{p / 5}", pod, "app", $"node-{p % 300}", "reg/app:1", digest,
            DateTimeOffset.UnixEpoch.AddDays(20_000), WorkloadEntry.FromWatch);
    }

    private static WhereQueryText Parse(string text) =>
        WhereQueryText.TryParse(text, out var query, out var error) ? query! : throw new InvalidOperationException(error);

    private static async Task<int> ChangedAsync(WhereResult broad)
    {
        await Console.Error.WriteLineAsync($"the inventory changed during the run: the broad query found {broad.Images.Count} images and " +
            $"{broad.Workloads} workloads, not {Images} and {Pods} (another process writing the same Redis database?)");
        return 1;
    }

    /// <summary>The raw reads of a query: its index sets and set versions at once, then the workload sets it must read again.</summary>
    private static async Task<int> FloorAsync(IKeyValueStore store, Reads reads, string[] changedSets)
    {
        var sets = store.SetMembersManyAsync(reads.Sets);
        var versions = store.HashGetManyAsync(StoreKeys.RunningImageVersions, reads.Fields);
        await Task.WhenAll(sets, versions);
        if (changedSets.Length > 0) await store.SetMembersManyAsync(changedSets);
        return reads.Sets.Count;
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
        return Summarize(times, allocated / 1e6 / Rounds);
    }

    private static Timing Summarize(List<double> times, double allocatedMb)
    {
        times.Sort();
        return new Timing(times[times.Count / 2], times[Math.Min(times.Count - 1, times.Count * 95 / 100)], allocatedMb);
    }

    /// <param name="Sets">Set keys read (<c>SMEMBERS</c>), in order.</param>
    /// <param name="Fields">Fields of <see cref="StoreKeys.RunningImageVersions"/> read (<c>HMGET</c>).</param>
    private sealed record Reads(IReadOnlyList<string> Sets, IReadOnlyList<string> Fields);

    private sealed record Measured(string Kind, WhereQueryText Text, Timing Query, Timing Floor, WhereResult Result, Reads Cold, Reads Warm);

    /// <summary>The store, remembering every set key and version field read (for the floors).</summary>
    private sealed class RecordingStore(IKeyValueStore inner) : DelegatingKeyValueStore(inner)
    {
        private readonly List<string> _sets = [];
        private readonly List<string> _fields = [];

        /// <summary>What was read since the last call.</summary>
        public Reads Take()
        {
            lock (_sets)
            {
                var reads = new Reads([.. _sets], [.. _fields]);
                _sets.Clear();
                _fields.Clear();
                return reads;
            }
        }

        public override Task<IReadOnlyList<string>> SetMembersAsync(string key)
        {
            lock (_sets) _sets.Add(key);
            return Inner.SetMembersAsync(key);
        }

        public override Task<IReadOnlyList<IReadOnlyList<string>>> SetMembersManyAsync(IReadOnlyList<string> keys)
        {
            lock (_sets) _sets.AddRange(keys);
            return Inner.SetMembersManyAsync(keys);
        }

        public override Task<IReadOnlyList<long?>> HashGetManyAsync(string key, IReadOnlyList<string> fields)
        {
            lock (_sets) _fields.AddRange(fields);
            return Inner.HashGetManyAsync(key, fields);
        }
    }
}
