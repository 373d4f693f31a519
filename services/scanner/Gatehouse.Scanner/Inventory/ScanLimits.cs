namespace Gatehouse.Scanner.Inventory;

/// <summary>
/// Bounds for reading one image. Exceeding any of them stops the scan with
/// <see cref="Layers.ImageLimitExceededException"/> (mapped to <c>ImageAnalysisFailed</c>), so hostile
/// images cost bounded time and memory. Bind from configuration section <c>Scanner:Limits</c>.
/// </summary>
public sealed class ScanLimits
{
    /// <summary>Sum of uncompressed layer bytes (tar stream) over all layers.</summary>
    public long MaxTotalUncompressedBytes { get; set; } = 16L * 1024 * 1024 * 1024;

    /// <summary>Tar entries over all layers (also bounds the path index, the main memory cost).</summary>
    public int MaxEntries { get; set; } = 1_000_000;

    /// <summary>Largest single file whose content a cataloger may have captured.</summary>
    public int MaxBytesPerFile { get; set; } = 64 * 1024 * 1024;

    /// <summary>All captured content together (every layer's versions included).</summary>
    public long MaxTotalCapturedBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Archives inside archives (jar in war in ear, ...), for catalogers that open them.</summary>
    public int MaxNestedArchiveDepth { get; set; } = 4;

    /// <summary>Symlink hops followed when resolving one path.</summary>
    public int MaxSymlinkHops { get; set; } = 40;

    /// <summary>Longest path accepted in a tar header (longer ones are a corrupt/hostile layer).</summary>
    public int MaxPathLength { get; set; } = 4096;

    public static ScanLimits Default { get; } = new();
}
