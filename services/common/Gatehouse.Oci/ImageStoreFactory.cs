using Gatehouse.Contracts;
using Gatehouse.Oci.Layout;
using Gatehouse.Oci.Registry;
using Microsoft.Extensions.Options;

namespace Gatehouse.Oci;

/// <summary>Hands out image stores: a registry host, a layout folder, or whichever a source string names.</summary>
public interface IImageStoreFactory
{
    IImageStore ForRegistry(string registry);

    IImageStore ForLayout(string directory);

    /// <summary>
    /// <c>oci:&lt;dir&gt;[:tag]</c> (or <c>oci:&lt;dir&gt;@&lt;digest&gt;</c>) opens a layout folder; anything else is parsed
    /// as an image reference (<c>registry/repository[:tag][@digest]</c>). Throws <see cref="FormatException"/> when it is neither.
    /// </summary>
    ImageSource Open(string source);
}

/// <summary>A store plus what to read from it. <see cref="Reference"/> is empty for "the only image in the layout".</summary>
public sealed record ImageSource(IImageStore Store, string Repository, string Reference)
{
    public const string LayoutPrefix = "oci:";

    /// <summary>The parsed reference when the source named a registry image.</summary>
    public ImageReference? Image { get; init; }

    public Task<ResolvedImage> ResolveAsync(ImagePlatform? platform = null, CancellationToken cancellationToken = default) =>
        Store.ResolveAsync(Repository, Reference, platform, cancellationToken);

    public override string ToString() => Image?.ToString() ?? (Reference.Length == 0 ? Store.Location : $"{Store.Location}:{Reference}");

    /// <summary>Splits <c>oci:&lt;dir&gt;[:tag|@digest]</c>; a trailing part counts as a tag only if it is a valid tag.</summary>
    public static bool TryParseLayout(string source, out string directory, out string reference)
    {
        ArgumentNullException.ThrowIfNull(source);
        directory = "";
        reference = "";
        if (!source.StartsWith(LayoutPrefix, StringComparison.Ordinal) || source.Length == LayoutPrefix.Length)
        {
            return false;
        }

        var rest = source[LayoutPrefix.Length..];
        var at = rest.LastIndexOf('@');
        if (at > 0 && ContentDigest.IsValid(rest[(at + 1)..]))
        {
            (directory, reference) = (rest[..at], rest[(at + 1)..]);
            return true;
        }

        var colon = rest.LastIndexOf(':');
        if (colon > 0)
        {
            var tag = rest[(colon + 1)..];
            if (tag.Length == 0 || ImageReference.TryParse("localhost/layout:" + tag, out _, out _))
            {
                (directory, reference) = (rest[..colon], tag);
                return true;
            }
        }

        directory = rest;
        return true;
    }
}

public sealed class ImageStoreFactory(
    IHttpClientFactory httpClientFactory, IOptions<OciClientOptions> options, RegistryTokenCache tokens, TimeProvider time) : IImageStoreFactory
{
    public IImageStore ForRegistry(string registry) =>
        options.Value.ForRegistry(registry).Layout is { Length: > 0 } layout
            ? ForLayout(layout)
            : new RegistryImageStore(httpClientFactory.CreateClient(OciServiceCollectionExtensions.HttpClientName), registry, options.Value, tokens, time);

    public IImageStore ForLayout(string directory) => new OciLayoutStore(directory, options.Value);

    public ImageSource Open(string source)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        if (ImageSource.TryParseLayout(source, out var directory, out var reference))
        {
            return new ImageSource(ForLayout(directory), "", reference);
        }

        if (!ImageReference.TryParse(source, out var image, out var error))
        {
            throw new FormatException($"'{source}' is neither oci:<dir>[:tag] nor an image reference: {error}");
        }

        return new ImageSource(ForRegistry(image.Registry), image.Repository, image.ManifestReference) { Image = image };
    }
}
