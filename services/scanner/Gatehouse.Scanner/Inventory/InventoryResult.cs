using Gatehouse.Scanner.Distro;
using Gatehouse.Scanner.Sources;

namespace Gatehouse.Scanner.Inventory;

/// <summary>Everything one scan found: the image, its OS, its layers, its packages and what could not be read.</summary>
public sealed record InventoryResult
{
    public required SourceImage Image { get; init; }

    public DistroInfo? Distro { get; init; }

    /// <summary>Layers in manifest order with digest, diff_id (both verified) and sizes.</summary>
    public required IReadOnlyList<LayerInfo> Layers { get; init; }

    /// <summary>Packages, ordered by type, name, version and path.</summary>
    public required IReadOnlyList<Package> Packages { get; init; }

    /// <summary>Malformed metadata, unsupported databases, clamped paths...: the SBOM carries them as properties.</summary>
    public required IReadOnlyList<InventoryProblem> Problems { get; init; }

    /// <summary>The catalogers that ran.</summary>
    public required IReadOnlyList<ICataloger> Catalogers { get; init; }

    /// <summary><c>name@version,...</c> of <see cref="Catalogers"/> (SbomGenerated.CatalogerSetVersion).</summary>
    public string CatalogerSetVersion => Inventory.Catalogers.SetVersion(Catalogers);

    public required ScanStatistics Statistics { get; init; }
}

/// <summary>What the scan cost.</summary>
/// <param name="Entries">Layer entries read, over all layers.</param>
/// <param name="FinalViewEntries">Entries in the merged filesystem.</param>
/// <param name="CompressedBytes">Blob bytes read.</param>
/// <param name="UncompressedBytes">Tar bytes read.</param>
/// <param name="CapturedBytes">File contents kept for catalogers.</param>
/// <param name="Elapsed">Wall time of the scan.</param>
public sealed record ScanStatistics(long Entries, int FinalViewEntries, long CompressedBytes, long UncompressedBytes, long CapturedBytes, TimeSpan Elapsed);

public enum ScanStage
{
    Resolving,
    ReadingLayer,
    Cataloging,
    Done,
}

/// <summary>A progress report: which layer, how far into it, and the totals so far (for a CLI progress display).</summary>
/// <param name="Stage">What the scan is doing.</param>
/// <param name="LayerIndex">0-based layer being read (during <see cref="ScanStage.ReadingLayer"/>).</param>
/// <param name="LayerCount">Layers in the image.</param>
/// <param name="LayerBytesRead">Blob bytes of the current layer read so far.</param>
/// <param name="LayerSize">Blob size of the current layer (0 when unknown).</param>
/// <param name="TotalBytesRead">Blob bytes read over all layers so far.</param>
/// <param name="TotalSize">Blob bytes of all layers (0 when unknown).</param>
/// <param name="Entries">Entries read so far.</param>
public sealed record ScanProgress(
    ScanStage Stage, int LayerIndex, int LayerCount, long LayerBytesRead, long LayerSize, long TotalBytesRead, long TotalSize, long Entries);
