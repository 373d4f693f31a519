using Gatehouse.Scanner.Distro;
using Gatehouse.Scanner.Layers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gatehouse.Scanner.Inventory;

/// <summary>
/// What one cataloger sees after the last layer: its captured files, the final filesystem view, the
/// distro, the layers, and a problem sink. One instance per cataloger per scan.
/// </summary>
public sealed class CatalogContext
{
    private readonly CaptureStore _captures;
    private readonly List<InventoryProblem> _problems;

    internal CatalogContext(
        string catalogerName,
        int catalogerSlot,
        CaptureStore captures,
        IFileSystemView fileSystem,
        DistroInfo? distro,
        IReadOnlyList<LayerInfo> layers,
        IReadOnlyList<StreamFinding> findings,
        ScanLimits limits,
        List<InventoryProblem> problems,
        ILogger logger)
    {
        CatalogerName = catalogerName;
        _captures = captures;
        FileSystem = fileSystem;
        Distro = distro;
        Layers = layers;
        Findings = findings;
        Limits = limits;
        _problems = problems;
        Logger = logger;
        Files = captures.FinalFilesFor(catalogerSlot);
    }

    public string CatalogerName { get; }

    /// <summary>Files this cataloger selected, as they are in the final view, ordered by path.</summary>
    public IReadOnlyList<CapturedFile> Files { get; }

    /// <summary>The merged filesystem (path index; contents only for captured files).</summary>
    public IFileSystemView FileSystem { get; }

    /// <summary>Detected OS, or null (scratch images, language-only images, plain directories).</summary>
    public DistroInfo? Distro { get; }

    public IReadOnlyList<LayerInfo> Layers { get; }

    /// <summary>Results of <see cref="IStreamingCataloger.AnalyzeAsync"/> for files that survived to the final view.</summary>
    public IReadOnlyList<StreamFinding> Findings { get; }

    public ScanLimits Limits { get; }

    public ILogger Logger { get; }

    /// <summary>Every captured layer version of a path selected with <see cref="FileInterest.ContentWithHistory"/>,
    /// base layer first, ending with the final one. Versions hidden by a later delete are included (in order).</summary>
    public IReadOnlyList<CapturedFile> History(string path) => _captures.History(path);

    /// <summary>The captured content at <paramref name="path"/> (symlinks resolved inside the image), when any
    /// cataloger selected the file.</summary>
    public CapturedFile? TryGetFile(string path)
    {
        var entry = FileSystem.Resolve(path);
        return entry is null ? null : _captures.Final(entry.Path);
    }

    /// <summary>Location for a package declared by <paramref name="file"/> and introduced by that file's layer.</summary>
    public PackageLocation Locate(CapturedFile file) => Locate(file.Path, file.LayerIndex);

    /// <summary>Location for a package declared at <paramref name="path"/> and introduced by layer <paramref name="layerIndex"/>.</summary>
    public PackageLocation Locate(string path, int layerIndex)
    {
        var layer = layerIndex >= 0 && layerIndex < Layers.Count ? Layers[layerIndex] : null;
        return new PackageLocation(path, layerIndex, layer?.Digest, layer?.DiffId);
    }

    /// <summary>Records a problem (it goes to the SBOM properties) and logs it; cataloguing continues.</summary>
    public void ReportProblem(string? path, string message, string code = ProblemCodes.MalformedMetadata, int? layerIndex = null)
    {
        lock (_problems)
        {
            _problems.Add(new InventoryProblem(code, message, path, layerIndex, CatalogerName));
        }
        Logger.LogWarning("{Cataloger}: {Code} at {Path}: {Message}", CatalogerName, code, path ?? "-", message);
    }

    /// <summary>
    /// A context over loose files, for unit-testing a cataloger without an image: every file is placed
    /// in one layer (index 0) and handed to the cataloger whether or not it would have selected it.
    /// Problems reported go to <paramref name="problems"/> when given.
    /// </summary>
    public static CatalogContext ForFiles(
        string catalogerName,
        IEnumerable<KeyValuePair<string, byte[]>> files,
        DistroInfo? distro = null,
        List<InventoryProblem>? problems = null,
        ScanLimits? limits = null)
    {
        var index = new PathIndex(limits ?? ScanLimits.Default);
        var store = new CaptureStore();
        foreach (var (rawPath, content) in files)
        {
            var path = LayerPath.Normalize(rawPath) ?? throw new ArgumentException($"bad path {rawPath}", nameof(files));
            index.AddFile(path, content.Length, UnixFileMode.UserRead, 0);
            store.Add(new CapturedFile(path, 0, content), slotMask: 1UL, keepHistory: true);
        }
        var layers = new[] { new LayerInfo(0, null, null, "memory", 0, 0, 0) };
        return new CatalogContext(catalogerName, 0, store, index, distro, layers, [], limits ?? ScanLimits.Default,
            problems ?? [], NullLogger.Instance);
    }
}
