using Gatehouse.Oci;
using Gatehouse.Scanner.Inventory;
using Gatehouse.Scanner.Layers;

namespace Gatehouse.Scanner.Sources;

/// <summary>
/// An image resolved from an <see cref="IImageStore"/> (registry or OCI layout). Blobs are streamed from the
/// store, which verifies each blob's digest and size as its last byte is read.
/// </summary>
public sealed class StoreImageSource : IImageSource
{
    private readonly IImageStore _store;
    private readonly ResolvedImage _resolved;

    /// <param name="store">Where the blobs are.</param>
    /// <param name="resolved">The single-platform image (manifest and config already verified by the store).</param>
    /// <param name="name">Display name; defaults to the store location and repository.</param>
    /// <param name="repositoryUrl"><c>registry/repository</c> when the image lives in a registry.</param>
    public StoreImageSource(IImageStore store, ResolvedImage resolved, string? name = null, string? repositoryUrl = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(resolved);
        _store = store;
        _resolved = resolved;
        var diffIds = resolved.Config.RootFs.DiffIds;
        if (diffIds.Count != resolved.Layers.Count)
        {
            throw new ImageAnalysisException(AnalysisFailureKind.InvalidImage,
                $"the manifest lists {resolved.Layers.Count} layers but the config has {diffIds.Count} diff_ids");
        }
        var config = resolved.Config;
        Image = new SourceImage
        {
            Name = name ?? (resolved.Repository.Length == 0 ? store.Location : $"{store.Location}/{resolved.Repository}"),
            Repository = repositoryUrl,
            Reference = resolved.Reference.Length == 0 ? null : resolved.Reference,
            ManifestDigest = resolved.ManifestDigest,
            ConfigDigest = resolved.Manifest.Config.Digest,
            Platform = string.IsNullOrEmpty(config.Os) ? null
                : config.Variant is null ? $"{config.Os}/{config.Architecture}" : $"{config.Os}/{config.Architecture}/{config.Variant}",
            Layers = resolved.Layers
                .Select((layer, i) => new SourceLayer(layer.Digest, diffIds[i], layer.MediaType, layer.Size))
                .ToList(),
        };
    }

    public SourceImage Image { get; }

    public async Task<ILayerEntryReader> OpenLayerAsync(int index, ScanLimits limits, ByteBudget uncompressedBudget, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var layer = Image.Layers[index];
        var blob = await _store.OpenBlobAsync(_resolved.Repository, layer.Digest!, layer.Size, cancellationToken);
        try
        {
            return await TarLayerReader.OpenAsync(blob, index, layer.MediaType, layer.DiffId, limits, uncompressedBudget, cancellationToken);
        }
        catch
        {
            await blob.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
