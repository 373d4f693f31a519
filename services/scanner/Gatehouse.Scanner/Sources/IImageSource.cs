using Gatehouse.Scanner.Inventory;
using Gatehouse.Scanner.Layers;

namespace Gatehouse.Scanner.Sources;

/// <summary>
/// An opened image: its identity and layers, each readable as a forward-only stream of entries. Blob-backed
/// sources verify every blob digest and diff_id while reading; a directory source has one unverified layer.
/// </summary>
public interface IImageSource : IAsyncDisposable
{
    SourceImage Image { get; }

    /// <summary>Opens layer <paramref name="index"/> (0 is the base). Uncompressed bytes are charged to
    /// <paramref name="uncompressedBudget"/>, which spans every layer of the scan.</summary>
    Task<ILayerEntryReader> OpenLayerAsync(int index, ScanLimits limits, ByteBudget uncompressedBudget, CancellationToken cancellationToken);
}

/// <summary>What the SBOM says about the scanned image.</summary>
public sealed record SourceImage
{
    /// <summary>Display name: <c>registry/repository</c>, or the source string for local sources.</summary>
    public required string Name { get; init; }

    /// <summary><c>registry/repository</c> for registry images (the purl's <c>repository_url</c>); else null.</summary>
    public string? Repository { get; init; }

    /// <summary>The tag or digest the scan was asked for, as given.</summary>
    public string? Reference { get; init; }

    /// <summary>Digest of the single-platform manifest; null when the source has no manifest (docker archive, dir).</summary>
    public string? ManifestDigest { get; init; }

    /// <summary>Digest of the config blob (the image ID); null for <c>dir:</c>.</summary>
    public string? ConfigDigest { get; init; }

    /// <summary><c>os/architecture[/variant]</c> from the config, when known.</summary>
    public string? Platform { get; init; }

    public required IReadOnlyList<SourceLayer> Layers { get; init; }
}

/// <summary>A layer as the manifest and config describe it.</summary>
/// <param name="Digest">Blob digest (manifest); null when the source does not name the blob by digest.</param>
/// <param name="DiffId">Uncompressed digest (config rootfs.diff_ids); null for <c>dir:</c>.</param>
/// <param name="MediaType">Declared media type; null when the source declares none (docker archive, dir).</param>
/// <param name="Size">Blob size in bytes (0 when unknown).</param>
public sealed record SourceLayer(string? Digest, string? DiffId, string? MediaType, long Size);
