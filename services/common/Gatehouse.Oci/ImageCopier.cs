namespace Gatehouse.Oci;

/// <summary>Copies an image (an index with its platform manifests, or one manifest) between stores, blobs first.</summary>
public static class ImageCopier
{
    private const int MaxIndexDepth = 4;

    /// <summary>
    /// Copies <paramref name="sourceReference"/> and everything it references; the top manifest is tagged
    /// <paramref name="destinationTag"/>, or pushed by digest when that is null. Returns the copied top manifest.
    /// </summary>
    public static async Task<ManifestContent> CopyAsync(
        IImageStore source, string sourceRepository, string sourceReference,
        IImageStore destination, string destinationRepository, string? destinationTag,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        using var activity = OciTelemetry.Start("oci.copy", source, sourceRepository, sourceReference);
        var top = await source.GetManifestAsync(sourceRepository, sourceReference, cancellationToken).ConfigureAwait(false);
        await CopyReferencedAsync(source, sourceRepository, top, destination, destinationRepository, 0, cancellationToken).ConfigureAwait(false);
        await destination.PushManifestAsync(destinationRepository, destinationTag ?? top.Digest, top.MediaType, top.Bytes, cancellationToken)
            .ConfigureAwait(false);
        return top;
    }

    private static async Task CopyReferencedAsync(
        IImageStore source, string sourceRepository, ManifestContent content,
        IImageStore destination, string destinationRepository, int depth, CancellationToken cancellationToken)
    {
        var what = $"{source.Location}/{sourceRepository}@{content.Digest}";
        ManifestParser.EnsureSupported(content.MediaType, what);
        if (OciMediaTypes.IsIndex(content.MediaType))
        {
            if (depth >= MaxIndexDepth)
            {
                throw new UnsupportedManifestException($"{what}: indexes nest more than {MaxIndexDepth} levels deep");
            }

            foreach (var child in ManifestParser.ParseIndex(content.Bytes, what).Manifests)
            {
                var childContent = await source.GetManifestAsync(sourceRepository, child.Digest, cancellationToken).ConfigureAwait(false);
                await CopyReferencedAsync(source, sourceRepository, childContent, destination, destinationRepository, depth + 1, cancellationToken)
                    .ConfigureAwait(false);
                await destination.PushManifestAsync(destinationRepository, childContent.Digest, childContent.MediaType, childContent.Bytes, cancellationToken)
                    .ConfigureAwait(false);
            }

            return;
        }

        var manifest = ManifestParser.ParseManifest(content.Bytes, what);
        foreach (var blob in manifest.Layers.Prepend(manifest.Config))
        {
            // Foreign layers (with URLs) are fetched from elsewhere by design; a registry need not hold them.
            if (blob.Urls is { Count: > 0 } && !await source.BlobExistsAsync(sourceRepository, blob.Digest, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            if (await destination.BlobExistsAsync(destinationRepository, blob.Digest, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            await using var stream = await source.OpenBlobAsync(sourceRepository, blob.Digest, blob.Size, cancellationToken).ConfigureAwait(false);
            await destination.PushBlobAsync(destinationRepository, blob.Digest, blob.Size, stream, cancellationToken).ConfigureAwait(false);
        }
    }
}
