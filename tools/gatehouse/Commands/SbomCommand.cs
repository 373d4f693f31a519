using System.Diagnostics;
using System.Globalization;
using Gatehouse.Oci;
using Gatehouse.Scanner.CycloneDx;
using Gatehouse.Scanner.Inventory;
using Gatehouse.Scanner.Layers;
using Gatehouse.Scanner.Sbom;
using Gatehouse.Scanner.Sources;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// <c>gatehouse sbom &lt;ref&gt; [--format cyclonedx-json|table] [--output FILE]</c>: the CycloneDX SBOM of an image, read
/// the way skopeo names sources (registry reference, <c>oci:&lt;dir&gt;[:tag]</c>, <c>docker-archive:&lt;file&gt;</c>,
/// <c>dir:&lt;rootfs&gt;</c>). On a terminal, stderr shows which layer is being read and how many MB so far.
/// Exit 0 on success, 1 when the image cannot be read, 2 on usage errors.
/// </summary>
public static class SbomCommand
{
    public const string Usage = "sbom <ref> [--format cyclonedx-json|table] [--output FILE]   CycloneDX SBOM of an image (ref, oci:DIR[:TAG], docker-archive:FILE, dir:ROOTFS)";

    private static readonly string[] Formats = ["cyclonedx-json", "table"];

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        string reference, format;
        string? output;
        try
        {
            var parsed = CliArgs.Parse(args, ["--format", "--output"], []);
            if (parsed.Positionals.Count != 1) throw new CliUsageException("give exactly one image reference");
            reference = parsed.Positionals[0];
            format = parsed.Value("--format") ?? "cyclonedx-json";
            if (!Formats.Contains(format)) throw new CliUsageException($"--format must be one of {string.Join(", ", Formats)}");
            output = parsed.Value("--output");
            if (!ImageSourceSpec.TryParse(reference, out _, out var error)) throw new CliUsageException(error);
        }
        catch (CliUsageException e)
        {
            await stderr.WriteLineAsync($"gatehouse sbom: {e.Message}\nusage: gatehouse {Usage}");
            return 2;
        }

        GeneratedSbom sbom;
        try
        {
            sbom = await GenerateAsync(reference, stderr, ct);
        }
        catch (Exception e) when (IsSourceFailure(e))
        {
            await stderr.WriteLineAsync($"gatehouse sbom: {reference}: {e.Message}");
            return 1;
        }

        await using var writer = output is null ? null : new StreamWriter(output, append: false);
        var target = writer ?? stdout;
        if (format == "table")
        {
            await WriteTableAsync(sbom.Bom, target);
        }
        else
        {
            await target.WriteAsync(System.Text.Encoding.UTF8.GetString(sbom.Bytes));
        }
        await target.FlushAsync(ct);
        return 0;
    }

    /// <summary>Reads the image and builds its SBOM, with a progress display when stderr is a terminal.</summary>
    internal static async Task<GeneratedSbom> GenerateAsync(string reference, TextWriter stderr, CancellationToken ct)
    {
        var spec = ImageSourceSpec.Parse(reference);
        await using var services = new ServiceCollection().AddOciClient(new ConfigurationBuilder().Build()).BuildServiceProvider();
        var opener = new ImageSourceOpener(services.GetRequiredService<IImageStoreFactory>());
        var progress = TerminalProgress.For(stderr);
        await using var source = await opener.OpenAsync(spec, ct);
        var generator = new SbomGenerator(new ImageInventoryScanner(opener), TimeProvider.System);
        try
        {
            return await generator.GenerateAsync(source, null, progress, ct);
        }
        finally
        {
            progress?.Finish();
        }
    }

    /// <summary>Failures that mean "this image cannot be read" rather than a bug.</summary>
    internal static bool IsSourceFailure(Exception e) =>
        e is ImageAnalysisException or OciException or FormatException or IOException or HttpRequestException or UnauthorizedAccessException;

    private static async Task WriteTableAsync(Bom bom, TextWriter writer)
    {
        var rows = (bom.Components ?? [])
            .Where(c => c.Type is not (BomComponentType.OperatingSystem or BomComponentType.Container))
            .Select(c => (Name: c.Group is null ? c.Name : $"{c.Group}:{c.Name}", Version: c.Version ?? "", Type: PurlType(c.Purl)))
            .OrderBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.Version, StringComparer.Ordinal)
            .ToList();
        var nameWidth = Math.Max(4, rows.Count == 0 ? 0 : rows.Max(r => r.Name.Length));
        var versionWidth = Math.Max(7, rows.Count == 0 ? 0 : rows.Max(r => r.Version.Length));
        await writer.WriteLineAsync($"{"NAME".PadRight(nameWidth)}  {"VERSION".PadRight(versionWidth)}  TYPE");
        foreach (var (name, version, type) in rows)
        {
            await writer.WriteLineAsync($"{name.PadRight(nameWidth)}  {version.PadRight(versionWidth)}  {type}");
        }
    }

    private static string PurlType(string? purl)
    {
        if (purl is null || !purl.StartsWith("pkg:", StringComparison.Ordinal)) return "";
        var slash = purl.IndexOf('/', 4);
        return slash < 0 ? "" : purl[4..slash];
    }

    /// <summary>One status line on a terminal, redrawn at most ten times a second: layer n/N and MB read.</summary>
    private sealed class TerminalProgress(TextWriter stderr) : IProgress<ScanProgress>
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly Lock _gate = new();
        private TimeSpan _lastDrawn = TimeSpan.MinValue;
        private bool _drawn;

        public static TerminalProgress? For(TextWriter stderr) =>
            ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected ? new TerminalProgress(stderr) : null;

        public void Report(ScanProgress value)
        {
            lock (_gate)
            {
                var now = _clock.Elapsed;
                if (value.Stage == ScanStage.ReadingLayer && now - _lastDrawn < TimeSpan.FromMilliseconds(100)) return;
                _lastDrawn = now;
                var text = value.Stage switch
                {
                    ScanStage.Resolving => "resolving image…",
                    ScanStage.ReadingLayer => string.Create(CultureInfo.InvariantCulture,
                        $"layer {value.LayerIndex + 1}/{value.LayerCount}  {value.TotalBytesRead / 1e6:F1}{(value.TotalSize > 0 ? $"/{value.TotalSize / 1e6:F1}" : "")} MB read  {value.Entries} entries"),
                    ScanStage.Cataloging => $"cataloging {value.Entries} entries…",
                    _ => "done",
                };
                stderr.Write("\r\u001b[K" + text);
                _drawn = true;
            }
        }

        public void Finish()
        {
            lock (_gate)
            {
                if (_drawn) stderr.Write("\r\u001b[K");
            }
        }
    }
}
