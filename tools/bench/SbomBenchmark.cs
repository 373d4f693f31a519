using System.Diagnostics;
using System.Globalization;
using Gatehouse.Oci.Layout;
using Gatehouse.Scanner.CycloneDx;
using Gatehouse.Scanner.Inventory;
using Gatehouse.Scanner.Sources;

namespace Gatehouse.Bench;

/// <summary>
/// Times a full inventory plus CycloneDX SBOM of the cached Debian 12 image against a floor measured in the
/// same run: <c>gzip -dc &lt; blob | tar -t &gt; /dev/null</c> over the same layer blobs (decompress and list, the
/// least any scanner must do). Each side runs once to warm up (JIT, page cache), then <see cref="Runs"/> times,
/// alternating; the ratio is the median of the per-pair ratios. Peak working set is the whole process's.
/// </summary>
internal static class SbomBenchmark
{
    private const int Runs = 7;

    public static async Task<int> RunAsync()
    {
        var images = Environment.GetEnvironmentVariable("GATEHOUSE_TEST_IMAGES");
        if (string.IsNullOrEmpty(images))
        {
            images = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "gatehouse", "images", "v2");
        }
        var layout = Path.Combine(images, "debian12");
        if (!File.Exists(Path.Combine(layout, "index.json")))
        {
            await Console.Error.WriteLineAsync($"no Debian image at {layout}: run scripts/build-test-images.sh (or set GATEHOUSE_TEST_IMAGES)");
            return 2;
        }
        var source = $"oci:{layout}:12";
        var resolved = await new OciLayoutStore(layout).ResolveAsync("", "12");
        var blobs = resolved.Layers.Select(l => Path.Combine(layout, "blobs", "sha256", l.Digest["sha256:".Length..])).ToList();
        var compressed = resolved.Layers.Sum(l => l.Size);
        Console.WriteLine($"image   {source} ({resolved.Layers.Count} layer(s), {compressed / 1e6:F1} MB compressed)");

        var scanner = new ImageInventoryScanner(new ImageSourceOpener());
        var (packages, sbomBytes) = await SbomOnceAsync(scanner, source);
        await FloorOnceAsync(blobs);
        Console.WriteLine($"warm-up {packages} packages, SBOM {sbomBytes / 1024} KiB");

        var sbomTimes = new List<double>();
        var floorTimes = new List<double>();
        for (var i = 0; i < Runs; i++)
        {
            var clock = Stopwatch.StartNew();
            await SbomOnceAsync(scanner, source);
            sbomTimes.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            await FloorOnceAsync(blobs);
            floorTimes.Add(clock.Elapsed.TotalMilliseconds);
            Console.WriteLine($"run {i + 1}   sbom {sbomTimes[^1],8:F0} ms   floor {floorTimes[^1],8:F0} ms");
        }

        var sbom = Median(sbomTimes);
        var floor = Median(floorTimes);
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        var peakMb = self.PeakWorkingSet64 / (1024.0 * 1024.0);
        // Each SBOM run is paired with the floor run right after it, so machine load drifts out of the ratio.
        var ratio = Median(sbomTimes.Zip(floorTimes, (s, f) => s / f).ToList());
        Console.WriteLine($"median  sbom {sbom:F0} ms   floor (gzip -dc | tar -t) {floor:F0} ms");
        Console.WriteLine($"peak working set {peakMb:F0} MB");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT sbom ratio={ratio:F2} peak_mb={peakMb:F0}"));
        return 0;
    }

    private static async Task<(int Packages, int Bytes)> SbomOnceAsync(ImageInventoryScanner scanner, string source)
    {
        var result = await scanner.ScanAsync(source);
        var image = new SbomImage(result.Image.Name, result.Image.Repository, result.Image.ManifestDigest, result.Image.Reference, result.Layers);
        var bom = CycloneDxSbomBuilder.Build(image, result.Distro, result.Packages, result.Problems,
            new SbomTool("bench", result.Catalogers), SbomStamp.New(TimeProvider.System));
        return (result.Packages.Count, CycloneDxWriter.Serialize(bom).Length);
    }

    private static async Task FloorOnceAsync(IReadOnlyList<string> blobs)
    {
        var start = new ProcessStartInfo("sh") { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("""for f in "$@"; do gzip -dc < "$f" | tar -tf - > /dev/null || exit 1; done""");
        start.ArgumentList.Add("floor");
        foreach (var blob in blobs)
        {
            start.ArgumentList.Add(blob);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start sh");
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"floor command failed ({process.ExitCode}): {errors}");
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
