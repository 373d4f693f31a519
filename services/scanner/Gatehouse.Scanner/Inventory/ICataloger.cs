namespace Gatehouse.Scanner.Inventory;

/// <summary>A named, versioned plug-in. Names are unique within a registry (checked at start-up).</summary>
public interface IPlugin
{
    /// <summary>Stable identifier, e.g. <c>dpkg</c>; appears in SBOM tool lists and problem reports.</summary>
    string Name { get; }

    /// <summary>Bumped whenever the plug-in's output for the same input can change.</summary>
    string Version { get; }
}

/// <summary>
/// Finds packages in an image. The engine walks every layer once and asks <see cref="Select"/> about each
/// regular file; only selected files have their contents captured (bounded). After the last layer,
/// <see cref="CatalogAsync"/> runs over the final filesystem view (whiteouts applied).
/// </summary>
public interface ICataloger : IPlugin
{
    /// <summary>
    /// Called for every regular file of every layer, so it must be cheap and allocation-free
    /// (compare spans; see <see cref="PathMatch"/>). The path is root-relative without a leading slash.
    /// </summary>
    FileInterest Select(FileCandidate file);

    /// <summary>Turns the captured files (see <see cref="CatalogContext.Files"/>) into packages.
    /// Malformed input is reported with <see cref="CatalogContext.ReportProblem"/>, never thrown.</summary>
    Task<IReadOnlyList<Package>> CatalogAsync(CatalogContext context, CancellationToken cancellationToken);
}

/// <summary>
/// A cataloger for content that cannot be selected by path (e.g. Go binaries: any ELF executable).
/// The engine hands each selected file to <see cref="AnalyzeAsync"/> while the layer streams; the
/// result is kept under (path, layer) and dropped if a later layer deletes or replaces the path.
/// Surviving results appear in <see cref="CatalogContext.Findings"/>.
/// </summary>
public interface IStreamingCataloger : ICataloger
{
    /// <summary>Same contract as <see cref="ICataloger.Select"/> (cheap, no allocation).</summary>
    bool SelectForStreaming(FileCandidate file);

    /// <summary>Reads as little of <paramref name="content"/> as needed (forward-only, no seeking, bounded
    /// memory); the engine skips whatever is left. Returns null when the file is not of interest.</summary>
    ValueTask<object?> AnalyzeAsync(StreamedFile file, Stream content, CancellationToken cancellationToken);
}

/// <summary>What a cataloger wants kept of a selected file.</summary>
public enum FileInterest
{
    /// <summary>Not interested.</summary>
    None = 0,

    /// <summary>Capture the content as it is in the final view.</summary>
    Content = 1,

    /// <summary>Capture every layer's version too (for attributing packages to the layer that
    /// introduced them, e.g. a package database rewritten by each layer). See <see cref="CatalogContext.History"/>.</summary>
    ContentWithHistory = 2,
}

/// <summary>A regular file as the layer walker meets it. A ref struct so no path string is allocated per entry.</summary>
public readonly ref struct FileCandidate
{
    public FileCandidate(ReadOnlySpan<char> path, long size, UnixFileMode mode, int layerIndex)
    {
        Path = path;
        Size = size;
        Mode = mode;
        LayerIndex = layerIndex;
    }

    /// <summary>Root-relative normalised path without a leading slash, e.g. <c>var/lib/dpkg/status</c>.</summary>
    public ReadOnlySpan<char> Path { get; }

    public long Size { get; }

    public UnixFileMode Mode { get; }

    public int LayerIndex { get; }

    /// <summary>The last path segment.</summary>
    public ReadOnlySpan<char> FileName => PathMatch.FileName(Path);

    public bool IsExecutable =>
        (Mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}

/// <summary>A file handed to <see cref="IStreamingCataloger.AnalyzeAsync"/>.</summary>
public sealed record StreamedFile(string Path, long Size, UnixFileMode Mode, int LayerIndex);
