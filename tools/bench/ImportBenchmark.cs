using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using Gatehouse.Scanner.Advisories.Store;
using Microsoft.Data.Sqlite;

namespace Gatehouse.Bench;

/// <summary>
/// Import throughput: 114,400 synthetic OSV records (the match benchmark's, plus the image-shaped part) written as an
/// osv.dev-style <c>all.zip</c>, imported into a new advisory store (read, schema check, index, one transaction), then
/// imported again (every record unchanged: the incremental path a daily sync mostly takes).
/// </summary>
public static class ImportBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var work = Directory.CreateTempSubdirectory("gatehouse-bench-import-");
        try
        {
            var sources = Enumerable.Range(0, 60).Select(i => ($"image-source-{i}", "1.2.3-1")).ToList();
            var archive = Path.Combine(work.FullName, "all.zip");
            var count = 0;
            using (var zip = ZipFile.Open(archive, ZipArchiveMode.Create))
            {
                foreach (var json in SyntheticAdvisories.Generate(sources))
                {
                    var entry = zip.CreateEntry($"record-{count++}.json", CompressionLevel.Fastest);
                    await using var stream = entry.Open();
                    await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(json));
                }
            }
            Console.WriteLine($"archive {count} records, {new FileInfo(archive).Length / 1e6:F1} MB");

            using var store = AdvisoryStore.Open(Path.Combine(work.FullName, "advisories.db"));
            var clock = Stopwatch.StartNew();
            var first = await store.ImportAsync(archive);
            var fresh = clock.Elapsed.TotalSeconds;
            clock.Restart();
            var again = await store.ImportAsync(archive);
            var unchanged = clock.Elapsed.TotalSeconds;

            var perSecond = first.Read / fresh;
            Console.WriteLine($"fresh   {first.Added} added, {first.Invalid} invalid in {fresh:F1} s ({perSecond:F0} records/s)");
            Console.WriteLine($"again   {again.Unchanged} unchanged in {unchanged:F1} s ({again.Read / unchanged:F0} records/s)");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT import records_per_s={perSecond:F0} records={first.Read} seconds={fresh:F1} unchanged_records_per_s={again.Read / unchanged:F0}"));
            return first.Added == count ? 0 : 1;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            work.Delete(recursive: true);
        }
    }
}
