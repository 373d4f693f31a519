using Gatehouse.Oci;
using Gatehouse.Oci.Layout;
using Gatehouse.Scanner.Layers;

namespace Gatehouse.Scanner.Sources;

/// <summary>
/// Opens an <see cref="ImageSourceSpec"/>. Registry images need an <see cref="IImageStoreFactory"/> (credentials,
/// HTTP client); OCI layouts, docker archives and directories are read locally without one.
/// Failures to reach or read the source become <see cref="ImageAnalysisException"/> with
/// <see cref="ImageAnalysisException.Retryable"/> telling transient from permanent.
/// </summary>
public sealed class ImageSourceOpener(IImageStoreFactory? stores = null, ImagePlatform? platform = null)
{
    public async Task<IImageSource> OpenAsync(ImageSourceSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        switch (spec.Kind)
        {
            case ImageSourceKind.Directory:
                return new DirectorySource(spec.Location);
            case ImageSourceKind.DockerArchive:
                return await DockerArchiveSource.OpenAsync(spec.Location, spec.Reference, cancellationToken);
            case ImageSourceKind.OciLayout:
            {
                if (!Directory.Exists(spec.Location))
                {
                    throw new ImageAnalysisException(AnalysisFailureKind.SourceUnavailable, $"OCI layout {spec.Location} does not exist");
                }
                var store = stores?.ForLayout(spec.Location) ?? new OciLayoutStore(spec.Location);
                return await OpenStoreAsync(store, "", spec.Reference ?? "", spec.ToString(), null, cancellationToken);
            }
            default:
            {
                var image = spec.Image!;
                var factory = stores ?? throw new InvalidOperationException("opening a registry image needs an IImageStoreFactory");
                return await OpenStoreAsync(factory.ForRegistry(image.Registry), image.Repository, image.ManifestReference,
                    image.FullName, image.FullName, cancellationToken);
            }
        }
    }

    /// <summary>A source over an image the caller already resolved (the consumer of <c>ImagePushed</c> does).</summary>
    public static IImageSource FromResolved(IImageStore store, ResolvedImage image, string? name = null, string? repositoryUrl = null) =>
        new StoreImageSource(store, image, name, repositoryUrl);

    private async Task<IImageSource> OpenStoreAsync(
        IImageStore store, string repository, string reference, string name, string? repositoryUrl, CancellationToken cancellationToken)
    {
        try
        {
            var resolved = await store.ResolveAsync(repository, reference, platform, cancellationToken);
            return new StoreImageSource(store, resolved, name, repositoryUrl);
        }
        catch (Exception e) when (SourceFailures.TryMap(e, $"{name}:{reference}") is { } mapped)
        {
            throw mapped;
        }
    }
}

/// <summary>Maps the exceptions of sources, stores and decompressors to <see cref="ImageAnalysisException"/>.</summary>
public static class SourceFailures
{
    /// <summary>The analysis failure <paramref name="exception"/> stands for, or null for cancellation and bugs.</summary>
    public static ImageAnalysisException? TryMap(Exception exception, string what, int? layerIndex = null)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            ImageAnalysisException analysis => analysis,
            OperationCanceledException => null,
            DigestMismatchException d => new BlobDigestMismatchException(d.Expected ?? "?", d.Actual ?? "?", what),
            SizeMismatchException s => new BlobDigestMismatchException("declared size", s.Message, what),
            UnsupportedManifestException or PlatformNotFoundException =>
                new ImageAnalysisException(AnalysisFailureKind.InvalidImage, $"{what}: {exception.Message}", inner: exception),
            OciException oci => new ImageAnalysisException(AnalysisFailureKind.SourceUnavailable, $"{what}: {exception.Message}",
                retryable: !OciFailure.IsPermanent(oci), inner: exception),
            HttpRequestException or TimeoutException => new ImageAnalysisException(AnalysisFailureKind.SourceUnavailable,
                $"{what}: {exception.Message}", retryable: true, inner: exception),
            InvalidDataException or ZstdSharp.ZstdException or EndOfStreamException => new CorruptLayerException(layerIndex ?? -1,
                $"{what}: compressed data is corrupt ({exception.Message})", exception),
            IOException => new ImageAnalysisException(AnalysisFailureKind.SourceUnavailable, $"{what}: {exception.Message}",
                retryable: true, inner: exception),
            _ => null,
        };
    }
}
