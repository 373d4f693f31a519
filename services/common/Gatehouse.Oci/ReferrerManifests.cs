using Gatehouse.Contracts;

namespace Gatehouse.Oci;

/// <summary>Building referrer manifests and maintaining the referrers tag schema (OCI distribution spec 1.1).</summary>
public static class ReferrerManifests
{
    /// <summary>The empty JSON object, the config of artifacts that have none.</summary>
    public static readonly byte[] EmptyJson = "{}"u8.ToArray();

    public static OciDescriptor EmptyConfigDescriptor { get; } = new()
    {
        MediaType = OciMediaTypes.Empty,
        Digest = OciMediaTypes.EmptyJsonDigest,
        Size = 2,
        Data = "e30=",
    };

    /// <summary>
    /// The fallback tag for referrers of <paramref name="digest"/>: <c>&lt;alg&gt;-&lt;hex&gt;</c>, with the hex cut
    /// to 64 characters as the spec requires (so sha512 tags stay within tag limits).
    /// </summary>
    public static string TagSchemaTag(string digest)
    {
        var parsed = ContentDigest.Parse(digest);
        var hex = parsed.Hex.Length > 64 ? parsed.Hex[..64] : parsed.Hex;
        return parsed.Algorithm + "-" + hex;
    }

    /// <summary>The manifest for an artifact: empty config, the artifact's blobs as layers, and the subject.</summary>
    public static OciImageManifest BuildManifest(OciDescriptor subject, ReferrerArtifact artifact)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(artifact);
        if (artifact.Blobs.Count == 0)
        {
            throw new ArgumentException("an artifact needs at least one blob", nameof(artifact));
        }

        return new OciImageManifest
        {
            MediaType = OciMediaTypes.ImageManifest,
            ArtifactType = artifact.ArtifactType,
            Config = EmptyConfigDescriptor,
            Layers = artifact.Blobs.Select(b => new OciDescriptor
            {
                MediaType = b.MediaType,
                Digest = ContentDigest.ComputeSha256(b.Content).ToString(),
                Size = b.Content.LongLength,
                Annotations = b.Annotations,
            }).ToList(),
            // Only what identifies the subject; platform and annotations would change the manifest digest for nothing.
            Subject = new OciDescriptor { MediaType = subject.MediaType, Digest = subject.Digest, Size = subject.Size },
            Annotations = artifact.Annotations,
        };
    }

    /// <summary>How a referrer appears in a referrers list.</summary>
    public static OciDescriptor ReferrerDescriptor(string digest, byte[] manifestBytes, OciImageManifest manifest) => new()
    {
        MediaType = manifest.MediaType ?? OciMediaTypes.ImageManifest,
        Digest = digest,
        Size = manifestBytes.LongLength,
        // The spec: artifactType, else the config media type.
        ArtifactType = manifest.ArtifactType ?? manifest.Config.MediaType,
        Annotations = manifest.Annotations,
    };

    /// <summary>The tag-schema index with <paramref name="referrer"/> added (replacing an entry with the same digest).</summary>
    public static OciImageIndex AddToIndex(OciImageIndex? existing, OciDescriptor referrer) => new()
    {
        MediaType = OciMediaTypes.ImageIndex,
        Manifests = [.. (existing?.Manifests ?? []).Where(m => m.Digest != referrer.Digest), referrer],
        Annotations = existing?.Annotations,
    };

    public static IReadOnlyList<OciDescriptor> FilterByArtifactType(IEnumerable<OciDescriptor> referrers, string? artifactType) =>
        artifactType is null ? referrers.ToList() : referrers.Where(r => r.ArtifactType == artifactType).ToList();
}
