using System.Diagnostics;
using Gatehouse.Scanner.Distro;
using Gatehouse.Scanner.Layers;
using Gatehouse.Scanner.Sources;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gatehouse.Scanner.Inventory;

/// <summary>
/// The one entry point for a package inventory: open a source, stream its layers once into a merged view
/// (capturing only what catalogers selected), detect the distro, run the catalogers on the final view.
/// Failures that make the image unanalysable throw <see cref="ImageAnalysisException"/> (map it to
/// <c>ImageAnalysisFailed</c>: <see cref="ImageAnalysisException.Reason"/>, <see cref="ImageAnalysisException.Retryable"/>);
/// problems with single metadata files are reported in <see cref="InventoryResult.Problems"/> instead.
/// </summary>
public sealed class ImageInventoryScanner
{
    private const long ProgressEveryBytes = 4L * 1024 * 1024;

    private readonly ImageSourceOpener _sources;
    private readonly IReadOnlyList<ICataloger> _catalogers;
    private readonly ILogger _logger;

    public ImageInventoryScanner(ImageSourceOpener sources, IReadOnlyList<ICataloger> catalogers, ILogger<ImageInventoryScanner>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(sources);
        _sources = sources;
        _catalogers = PluginRegistry.Validate(catalogers);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>A scanner with the built-in cataloger set.</summary>
    public ImageInventoryScanner(ImageSourceOpener sources, ILogger<ImageInventoryScanner>? logger = null)
        : this(sources, Inventory.Catalogers.BuiltIn(), logger)
    {
    }

    public IReadOnlyList<ICataloger> Catalogers => _catalogers;

    /// <summary>Scans a source string (see <see cref="ImageSourceSpec"/>).</summary>
    public Task<InventoryResult> ScanAsync(string source, ScanLimits? limits = null, IProgress<ScanProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        ScanAsync(ImageSourceSpec.Parse(source), limits, progress, cancellationToken);

    public async Task<InventoryResult> ScanAsync(ImageSourceSpec source, ScanLimits? limits = null, IProgress<ScanProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        progress?.Report(new ScanProgress(ScanStage.Resolving, 0, 0, 0, 0, 0, 0, 0));
        await using var opened = await _sources.OpenAsync(source, cancellationToken);
        return await ScanAsync(opened, limits, progress, cancellationToken);
    }

    /// <summary>Scans an opened source (e.g. <see cref="ImageSourceOpener.FromResolved"/>). The caller disposes it.</summary>
    public async Task<InventoryResult> ScanAsync(IImageSource source, ScanLimits? limits = null, IProgress<ScanProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        limits ??= ScanLimits.Default;
        var clock = Stopwatch.StartNew();
        var problems = new List<InventoryProblem>();
        void Report(InventoryProblem p)
        {
            Record(problems, p);
            _logger.LogWarning("{Image} layer {Layer}: {Code} at {Path}: {Message}", source.Image.Name, p.LayerIndex, p.Code, p.Path ?? "-", p.Message);
        }
        var merger = new LayerMerger(_catalogers, limits, Report);
        var budget = new ByteBudget(LimitKind.TotalUncompressedBytes, limits.MaxTotalUncompressedBytes, "uncompressed layer bytes");
        var layers = await ReadLayersAsync(source, merger, budget, limits, Report, progress, cancellationToken);

        progress?.Report(new ScanProgress(ScanStage.Cataloging, layers.Count, layers.Count, 0, 0, 0, 0, merger.Entries));
        merger.Captures.Seal(merger.Index);
        var distro = DistroDetector.Detect(path => ReadFinal(merger, path));
        var packages = await CatalogAsync(merger, distro, layers, limits, problems, cancellationToken);

        var result = new InventoryResult
        {
            Image = source.Image,
            Distro = distro,
            Layers = layers,
            Packages = packages,
            Problems = problems
                .OrderBy(p => p.Source, StringComparer.Ordinal)
                .ThenBy(p => p.LayerIndex ?? -1)
                .ThenBy(p => p.Path, StringComparer.Ordinal)
                .ThenBy(p => p.Message, StringComparer.Ordinal)
                .ToList(),
            Catalogers = _catalogers,
            Statistics = new ScanStatistics(merger.Entries, merger.Index.Count, layers.Sum(l => l.Size), budget.Used, merger.CapturedBytes, clock.Elapsed),
        };
        progress?.Report(new ScanProgress(ScanStage.Done, layers.Count, layers.Count, 0, 0, 0, 0, merger.Entries));
        if (_logger.IsEnabled(LogLevel.Information))
        {
            _logger.LogInformation("Inventoried {Image}: {Packages} packages, {Layers} layers, {Entries} entries, {Problems} problems in {Elapsed} ms",
                source.Image.Name, packages.Count, layers.Count, merger.Entries, problems.Count, (long)clock.Elapsed.TotalMilliseconds);
        }
        return result;
    }

    private static async Task<List<LayerInfo>> ReadLayersAsync(
        IImageSource source, LayerMerger merger, ByteBudget budget, ScanLimits limits, Action<InventoryProblem> report,
        IProgress<ScanProgress>? progress, CancellationToken cancellationToken)
    {
        var declared = source.Image.Layers;
        var totalSize = declared.Sum(l => l.Size);
        long previousLayersBytes = 0;
        var layers = new List<LayerInfo>(declared.Count);
        for (var i = 0; i < declared.Count; i++)
        {
            var layer = declared[i];
            var what = $"{source.Image.Name} layer {i} ({layer.Digest ?? "no digest"})";
            try
            {
                await using var reader = await source.OpenLayerAsync(i, limits, budget, cancellationToken);
                long nextReport = 0;
                var index = i;
                var before = previousLayersBytes;
                progress?.Report(new ScanProgress(ScanStage.ReadingLayer, i, declared.Count, 0, layer.Size, before, totalSize, merger.Entries));
                await merger.ApplyAsync(reader, i, progress is null ? null : () =>
                {
                    var read = reader.SourceBytesRead;
                    if (read >= nextReport)
                    {
                        nextReport = read + ProgressEveryBytes;
                        progress.Report(new ScanProgress(ScanStage.ReadingLayer, index, declared.Count, read, layer.Size, before + read, totalSize, merger.Entries));
                    }
                }, cancellationToken);
                var summary = await reader.CompleteAsync(cancellationToken);
                if (merger.HasPendingHardLinks)
                {
                    // Rare: a selected path is a hard link to a file nobody selected. Read the layer once more for it.
                    await using var again = await source.OpenLayerAsync(i, limits, budget, cancellationToken);
                    await merger.CapturePendingHardLinksAsync(again, i, cancellationToken);
                    await again.CompleteAsync(cancellationToken); // the second read is verified like the first
                }
                foreach (var warning in summary.Warnings)
                {
                    report(new InventoryProblem(ProblemCodes.LayerWarning, warning, null, i, "layers"));
                }
                previousLayersBytes += summary.CompressedBytes;
                layers.Add(new LayerInfo(i, layer.Digest, layer.DiffId, layer.MediaType ?? MediaTypeOf(summary.Compression),
                    layer.Size == 0 ? summary.CompressedBytes : layer.Size, summary.UncompressedBytes, summary.EntryCount));
                progress?.Report(new ScanProgress(ScanStage.ReadingLayer, i, declared.Count, summary.CompressedBytes, layer.Size, previousLayersBytes, totalSize, merger.Entries));
            }
            catch (Exception e) when (e is not ImageAnalysisException && SourceFailures.TryMap(e, what, i) is { } mapped)
            {
                throw mapped;
            }
        }
        return layers;
    }

    private async Task<IReadOnlyList<Package>> CatalogAsync(
        LayerMerger merger, DistroInfo? distro, IReadOnlyList<LayerInfo> layers, ScanLimits limits, List<InventoryProblem> problems,
        CancellationToken cancellationToken)
    {
        // Catalogers are independent and read only immutable state; run them side by side.
        var runs = _catalogers.Select((cataloger, slot) => Task.Run(async () =>
        {
            var context = new CatalogContext(cataloger.Name, slot, merger.Captures, merger.Index, distro, layers,
                merger.Findings.Surviving(slot, merger.Index), limits, problems, _logger);
            try
            {
                var found = await cataloger.CatalogAsync(context, cancellationToken);
                return found.Select(p => p with { FoundBy = cataloger.Name }).ToList();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                context.ReportProblem(null, $"{e.GetType().Name}: {e.Message}", ProblemCodes.CatalogerFailed);
                return [];
            }
        }, cancellationToken)).ToList();
        var results = await Task.WhenAll(runs);
        return results
            .SelectMany(r => r)
            .OrderBy(p => p.Type, StringComparer.Ordinal)
            .ThenBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Version, StringComparer.Ordinal)
            .ThenBy(p => p.Location.Path, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>For sources that declare no media type (docker archives): the OCI type of what was read.</summary>
    private static string MediaTypeOf(CompressionKind compression) => compression switch
    {
        CompressionKind.Gzip => Oci.OciMediaTypes.ImageLayerGzip,
        CompressionKind.Zstd => Oci.OciMediaTypes.ImageLayerZstd,
        _ => Oci.OciMediaTypes.ImageLayer,
    };

    /// <summary>Text of a captured release file, following symlinks inside the image.</summary>
    private static string? ReadFinal(LayerMerger merger, string path)
    {
        var entry = merger.Index.Resolve(path);
        return entry is null ? null : merger.Captures.Final(entry.Path)?.ReadText();
    }

    private static void Record(List<InventoryProblem> problems, InventoryProblem problem)
    {
        lock (problems)
        {
            problems.Add(problem);
        }
    }
}
