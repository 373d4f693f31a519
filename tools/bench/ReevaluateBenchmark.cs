using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Gatehouse.Contracts;
using Gatehouse.Contracts.Messages;
using Gatehouse.Scanner.Advisories.Matching;
using Gatehouse.Scanner.Advisories.Osv;
using Gatehouse.Scanner.CycloneDx;
using Gatehouse.Scanner.Inventory;
using Gatehouse.Scanner.Sbom;
using Gatehouse.Scanner.Vex;
using Gatehouse.Scanner.Vulnerabilities;
using Gatehouse.ServiceDefaults.Store;
using StackExchange.Redis;

namespace Gatehouse.Bench;

/// <summary>
/// Continuous re-evaluation at scale: 10,000 SBOMs (40 Debian packages each, from a pool of 2,000 source packages)
/// stored and indexed as the scanner does, in the in-process store (or real Redis when GATEHOUSE_REDIS is set: keys
/// are removed afterwards), with 114,400 synthetic advisories loaded. A new advisory for a package present in exactly
/// 500 images is announced; the clock runs from the AdvisoriesUpdated to the last VulnerabilitiesFound handed to the
/// bus (one set read, 500 SBOMs read, matched, reports stored; the new snapshot is loaded and prepared before the
/// announcement, as the importing replica does). After a warm-up on another package, median of
/// <see cref="Runs"/> announcements, each a new data version. Goal: under 1 s.
/// </summary>
public static class ReevaluateBenchmark
{
    private const int Images = 10_000;
    private const int PackagesPerImage = 40;
    private const int Pool = 2_000;
    private const int Affected = 500;
    private const int Runs = 3;
    private const string Target = "libtarget";

    public static async Task<int> RunAsync(string[] args)
    {
        var redisUrl = Environment.GetEnvironmentVariable("GATEHOUSE_REDIS");
        using var redis = string.IsNullOrWhiteSpace(redisUrl) ? null : await ConnectionMultiplexer.ConnectAsync(redisUrl);
        IKeyValueStore store = redis is null ? new InMemoryKeyValueStore() : new RedisKeyValueStore(redis);
        Console.WriteLine($"store   {(redis is null ? "in-process" : "Redis " + redisUrl)}");

        var clock = Stopwatch.StartNew();
        var digests = await IndexImagesAsync(store);
        Console.WriteLine($"index   {Images} SBOMs ({PackagesPerImage} packages each) stored and indexed in {clock.Elapsed.TotalSeconds:F1} s");

        var sources = Enumerable.Range(0, Pool).Select(i => (Source(i), "1.0-1")).Append((Target, "1.0-1")).Append(("warmup", "1.0-1")).ToList();
        var records = SyntheticAdvisories.Generate(sources, perSource: 5).Select(SyntheticAdvisories.Parse).ToList();
        Console.WriteLine($"data    {records.Count} advisories");

        try
        {
            var snapshots = new FixedAdvisorySnapshots(AdvisorySnapshot.Create(records, "v0"));
            var reports = new VulnerabilityReportStore(store);
            var evaluator = new StoredImageEvaluator(store, snapshots, new VexFileSource([]), new VexCache(store), reports,
                new AdvisoryIdentityIndex(store), TimeProvider.System);
            var reevaluator = new AffectedImageReevaluator(store, evaluator, reports);

            await AnnounceAsync(reevaluator, snapshots, records, "warmup", 1); // JIT and caches, on 50 other images
            var times = new List<double>();
            var published = 0;
            for (var run = 0; run < Runs; run++)
            {
                var (ms, count) = await AnnounceAsync(reevaluator, snapshots, records, Target, run + 2);
                times.Add(ms);
                published = count;
                Console.WriteLine($"run {run + 1}   {count} images re-evaluated and published in {ms:F0} ms");
            }

            var median = times.Order().ElementAt(times.Count / 2);
            Console.WriteLine($"median  {median:F0} ms for {published} images (goal < 1000 ms)");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT reevaluate ms={median:F0} images={published}"));
            return published == Affected ? 0 : 1;
        }
        finally
        {
            if (redis is not null)
            {
                await CleanUpAsync(store, digests);
            }
        }
    }

    /// <summary>Adds one advisory for <paramref name="package"/>, swaps the snapshot and times the re-evaluation.</summary>
    private static async Task<(double Ms, int Published)> AnnounceAsync(
        AffectedImageReevaluator reevaluator, FixedAdvisorySnapshots snapshots, List<OsvRecord> records, string package, int serial)
    {
        records.Add(SyntheticAdvisories.Parse(SyntheticAdvisories.Record(900_000 + serial, "Debian:12", package, "0", "1.0-2", new Random(serial))));
        // The importing replica loads and prepares the new snapshot before it announces the update.
        var next = AdvisorySnapshot.Create(records, $"v{serial}");
        next.Prepare();
        snapshots.Snapshot = next;
        var update = new AdvisoriesUpdated("bench", snapshots.Snapshot.DataVersion, [$"pkg:deb/debian/{package}"], records.Count, DateTimeOffset.UtcNow);
        var published = 0;
        var clock = Stopwatch.StartNew();
        await reevaluator.ReevaluateAsync(update, _ => { Interlocked.Increment(ref published); return Task.CompletedTask; },
            (digest, failure) => throw new InvalidOperationException($"{digest}: {failure.FailureReason}"), CancellationToken.None);
        return (clock.Elapsed.TotalMilliseconds, published);
    }

    private static async Task<List<string>> IndexImagesAsync(IKeyValueStore store)
    {
        var random = new Random(7);
        var index = new SbomIndex(store);
        var identities = new AdvisoryIdentityIndex(store);
        var digests = new List<string>(Images);
        var gate = new SemaphoreSlim(32);
        var pending = new List<Task>();
        for (var i = 0; i < Images; i++)
        {
            var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(i)));
            digests.Add(digest);
            var picks = new HashSet<int>();
            while (picks.Count < PackagesPerImage - 2)
            {
                picks.Add(random.Next(Pool));
            }
            var components = picks.Select(p => Component($"lib{Source(p)}", Source(p))).ToList();
            if (i % (Images / Affected) == 0)
            {
                components.Add(Component(Target + "1", Target));
            }
            if (i % (Images / 50) == 0)
            {
                components.Add(Component("warmup1", "warmup"));
            }
            var bom = new Bom
            {
                SerialNumber = $"urn:uuid:{new Guid(SHA256.HashData(BitConverter.GetBytes(-i))[..16])}",
                Metadata = new BomMetadata { Component = new BomComponent { Type = BomComponentType.Container, Name = $"bench/app{i}", Version = digest } },
                Components = components,
            };
            await gate.WaitAsync();
            pending.Add(Task.Run(async () =>
            {
                try
                {
                    var bytes = CycloneDxWriter.Serialize(bom);
                    var record = new SbomRecord(digest, "registry.bench", $"app{i}", $"registry.bench/app{i}@{digest}",
                        Convert.ToHexStringLower(SHA256.HashData(bytes)), components.Count, "bench", [], DateTimeOffset.UtcNow);
                    await index.IndexAsync(record, bom, bytes);
                    // What the match on SbomGenerated adds: the source packages advisories are announced under.
                    await identities.AddAsync(digest, SbomPackages.Read(bom).Packages);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }
        await Task.WhenAll(pending);
        return digests;
    }

    private static string Source(int i) => $"src{i:D4}";

    private static BomComponent Component(string name, string source)
    {
        var purl = PackageUrl.Create("deb", "debian", name, "1.0-1", [new("arch", "amd64"), new("distro", "debian-12"), new("upstream", source)]);
        return new BomComponent
        {
            BomRef = purl + "|var/lib/dpkg/status",
            Name = name,
            Version = "1.0-1",
            Purl = purl,
            Properties =
            [
                new(BomPropertyNames.Cataloger, "dpkg"),
                new(BomPropertyNames.LocationPath, "var/lib/dpkg/status"),
                new(BomPropertyNames.SourceName, source),
                new(BomPropertyNames.SourceVersion, "1.0-1"),
            ],
        };
    }

    private static async Task CleanUpAsync(IKeyValueStore store, List<string> digests)
    {
        foreach (var digest in digests)
        {
            if (await new VulnerabilityReportStore(store).GetStateAsync(digest) is { } state)
            {
                await store.DeleteAsync(state.ReportRef);
            }
            await store.DeleteAsync(StoreKeys.Sbom(digest));
            await store.DeleteAsync(StoreKeys.SbomRecord(digest));
            await store.DeleteAsync(VulnerabilityKeys.State(digest));
            await store.DeleteAsync(VulnerabilityKeys.VexStatements(digest));
            await store.SetRemoveAsync(StoreKeys.IndexedImages, digest);
        }
        foreach (var package in Enumerable.Range(0, Pool).Select(i => Source(i)).Append(Target).Append("warmup"))
        {
            await store.DeleteAsync(StoreKeys.PackageImages($"pkg:deb/debian/{package}"));
            await store.DeleteAsync(StoreKeys.PackageImages($"pkg:deb/debian/lib{package}"));
            await store.DeleteAsync(StoreKeys.PackageVersionImages($"pkg:deb/debian/lib{package}@1.0-1"));
        }
        await store.DeleteAsync(StoreKeys.PackageImages($"pkg:deb/debian/{Target}1"));
        await store.DeleteAsync(StoreKeys.PackageImages("pkg:deb/debian/warmup1"));
        await store.DeleteAsync(StoreKeys.PackageVersionImages($"pkg:deb/debian/{Target}1@1.0-1"));
        await store.DeleteAsync(StoreKeys.PackageVersionImages("pkg:deb/debian/warmup1@1.0-1"));
        Console.WriteLine("cleanup removed the benchmark's keys from Redis (superseded reports expire on their own)");
    }
}
