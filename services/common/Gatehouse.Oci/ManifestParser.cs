using System.Text.Json;

namespace Gatehouse.Oci;

/// <summary>Decides what kind of manifest some bytes are, and parses them; rejects Docker schema 1.</summary>
public static class ManifestParser
{
    /// <summary>
    /// The media type of a manifest: the body's own <c>mediaType</c> (it is covered by the digest, a header is not),
    /// else a manifest media type from the transport, else inferred from the shape (OCI allows omitting it).
    /// </summary>
    public static string DetermineMediaType(ReadOnlySpan<byte> bytes, string? declaredMediaType)
    {
        if (OciMediaTypes.IsSchema1(declaredMediaType))
        {
            return declaredMediaType!;
        }

        var probe = Probe(bytes);
        if (probe.SchemaVersion == 1)
        {
            return OciMediaTypes.DockerSchema1SignedManifest;
        }

        if (!string.IsNullOrEmpty(probe.MediaType))
        {
            return probe.MediaType;
        }

        if (OciMediaTypes.IsManifest(declaredMediaType))
        {
            return declaredMediaType!;
        }

        return probe.Manifests is not null ? OciMediaTypes.ImageIndex
            : probe.Config is not null ? OciMediaTypes.ImageManifest
            : declaredMediaType ?? "application/octet-stream";
    }

    /// <summary>Throws a clear error unless the media type is one of the four manifest kinds we read.</summary>
    public static void EnsureSupported(string mediaType, string what)
    {
        if (OciMediaTypes.IsSchema1(mediaType))
        {
            throw new UnsupportedManifestException(
                $"{what} is a Docker image manifest schema 1 ({mediaType}), which is deprecated and not supported; " +
                "re-push the image with a current client so it gets a schema 2 or OCI manifest");
        }

        if (!OciMediaTypes.IsManifest(mediaType))
        {
            throw new UnsupportedManifestException(
                $"{what} has media type '{mediaType}', which is not an OCI or Docker schema 2 image manifest or index");
        }
    }

    public static OciImageManifest ParseManifest(ReadOnlySpan<byte> bytes, string what)
    {
        try
        {
            var manifest = OciJson.DeserializeManifest(bytes);
            return manifest.SchemaVersion == 2 ? manifest
                : throw new UnsupportedManifestException($"{what} has schemaVersion {manifest.SchemaVersion}; only 2 is supported");
        }
        catch (JsonException e)
        {
            throw new UnsupportedManifestException($"{what} is not a valid image manifest: {e.Message}", e);
        }
    }

    public static OciImageIndex ParseIndex(ReadOnlySpan<byte> bytes, string what)
    {
        try
        {
            var index = OciJson.DeserializeIndex(bytes);
            return index.SchemaVersion == 2 ? index
                : throw new UnsupportedManifestException($"{what} has schemaVersion {index.SchemaVersion}; only 2 is supported");
        }
        catch (JsonException e)
        {
            throw new UnsupportedManifestException($"{what} is not a valid image index: {e.Message}", e);
        }
    }

    private static ManifestProbe Probe(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return OciJson.Deserialize<ManifestProbe>(bytes);
        }
        catch (JsonException e)
        {
            throw new UnsupportedManifestException($"manifest is not valid JSON: {e.Message}", e);
        }
    }
}
