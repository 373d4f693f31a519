using System.Diagnostics.CodeAnalysis;
using Gatehouse.Contracts;
using Gatehouse.Oci;

namespace Gatehouse.Scanner.Sources;

public enum ImageSourceKind
{
    /// <summary>An image in a registry: <c>127.0.0.1:5000/demo/debian:12</c>, <c>…@sha256:…</c>, optionally <c>docker://</c>-prefixed.</summary>
    Registry,

    /// <summary>An OCI image layout folder: <c>oci:&lt;dir&gt;[:tag]</c> or <c>oci:&lt;dir&gt;@&lt;digest&gt;</c>.</summary>
    OciLayout,

    /// <summary>A <c>docker save</c> tarball: <c>docker-archive:&lt;file&gt;[:&lt;repo:tag&gt;|:@&lt;n&gt;]</c>.</summary>
    DockerArchive,

    /// <summary>A root filesystem directory read as a single layer: <c>dir:&lt;path&gt;</c>.</summary>
    Directory,
}

/// <summary>
/// Where an image comes from, written the way skopeo writes transports. Parsing validates the syntax only;
/// <see cref="ImageSourceOpener"/> opens it.
/// </summary>
public sealed record ImageSourceSpec
{
    public const string OciPrefix = "oci:";
    public const string DockerArchivePrefix = "docker-archive:";
    public const string DirectoryPrefix = "dir:";
    public const string DockerPrefix = "docker://";

    private ImageSourceSpec(ImageSourceKind kind, string location, string? reference, ImageReference? image)
    {
        Kind = kind;
        Location = location;
        Reference = reference;
        Image = image;
    }

    public ImageSourceKind Kind { get; }

    /// <summary>Registry image: <c>registry/repository</c>; otherwise the file or directory path as given.</summary>
    public string Location { get; }

    /// <summary>Tag or digest (registry, layout), <c>repo:tag</c> or <c>@n</c> (docker archive); null for the default.</summary>
    public string? Reference { get; }

    /// <summary>The parsed reference of a registry image.</summary>
    public ImageReference? Image { get; }

    /// <summary>The canonical string (parses back to an equal spec).</summary>
    public override string ToString() => Kind switch
    {
        ImageSourceKind.Registry => Image!.ToString(),
        ImageSourceKind.OciLayout => OciPrefix + Location + (Reference is null ? "" : (ContentDigest.IsValid(Reference) ? "@" : ":") + Reference),
        ImageSourceKind.DockerArchive => DockerArchivePrefix + Location + (Reference is null ? "" : ":" + Reference),
        _ => DirectoryPrefix + Location,
    };

    public static ImageSourceSpec Registry(ImageReference image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return new(ImageSourceKind.Registry, image.FullName, image.ManifestReference, image);
    }

    public static ImageSourceSpec Parse(string value) =>
        TryParse(value, out var spec, out var error) ? spec : throw new FormatException(error);

    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out ImageSourceSpec? spec, [NotNullWhen(false)] out string? error)
    {
        spec = null;
        error = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            error = "image source is empty";
            return false;
        }
        if (value.StartsWith(OciPrefix, StringComparison.Ordinal))
        {
            if (!ImageSource.TryParseLayout(value, out var directory, out var reference) || directory.Length == 0)
            {
                error = $"'{value}' is not oci:<dir>[:tag|@digest]";
                return false;
            }
            spec = new(ImageSourceKind.OciLayout, directory, reference.Length == 0 ? null : reference, null);
            return true;
        }
        if (value.StartsWith(DockerArchivePrefix, StringComparison.Ordinal))
        {
            // skopeo splits at the first ':' after the transport: docker-archive:path[:reference].
            var rest = value[DockerArchivePrefix.Length..];
            var colon = rest.IndexOf(':', StringComparison.Ordinal);
            var path = colon < 0 ? rest : rest[..colon];
            var reference = colon < 0 ? null : rest[(colon + 1)..];
            if (path.Length == 0 || reference is { Length: 0 })
            {
                error = $"'{value}' is not docker-archive:<file>[:<repo:tag>|:@<index>]";
                return false;
            }
            if (reference is not null && !reference.StartsWith('@') && !ImageReference.TryParse(reference, out _, out var referenceError))
            {
                error = $"'{value}': {referenceError}";
                return false;
            }
            spec = new(ImageSourceKind.DockerArchive, path, reference, null);
            return true;
        }
        if (value.StartsWith(DirectoryPrefix, StringComparison.Ordinal))
        {
            var path = value[DirectoryPrefix.Length..];
            if (path.Length == 0)
            {
                error = $"'{value}' names no directory";
                return false;
            }
            spec = new(ImageSourceKind.Directory, path, null, null);
            return true;
        }
        var registryReference = value.StartsWith(DockerPrefix, StringComparison.Ordinal) ? value[DockerPrefix.Length..] : value;
        if (!ImageReference.TryParse(registryReference, out var image, out var imageError))
        {
            error = $"'{value}' is not an image reference, oci:<dir>, docker-archive:<file> or dir:<path>: {imageError}";
            return false;
        }
        spec = Registry(image);
        return true;
    }
}
