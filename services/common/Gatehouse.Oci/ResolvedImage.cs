namespace Gatehouse.Oci;

/// <summary>A manifest as fetched: its digest (verified against the bytes), media type and raw bytes.</summary>
public sealed record ManifestContent(string Digest, string MediaType, byte[] Bytes)
{
    public OciDescriptor ToDescriptor() => new() { MediaType = MediaType, Digest = Digest, Size = Bytes.LongLength };
}

/// <summary>What a HEAD on a manifest tells: it exists, with this digest, media type and size.</summary>
public sealed record ManifestHead(string Digest, string MediaType, long Size);

/// <summary>
/// A single-platform image, resolved from a tag or digest: the manifest (selected from an index when the
/// reference named one) and the parsed config. Layer blobs are read separately with OpenBlobAsync.
/// </summary>
public sealed record ResolvedImage
{
    public required string Repository { get; init; }

    /// <summary>The tag or digest that was resolved.</summary>
    public required string Reference { get; init; }

    /// <summary>Digest of the single-platform manifest (what scanning and signing key on).</summary>
    public required string ManifestDigest { get; init; }

    public required string MediaType { get; init; }

    public required byte[] ManifestBytes { get; init; }

    public required OciImageManifest Manifest { get; init; }

    /// <summary>Digest of the index or manifest list the manifest was selected from, if any.</summary>
    public string? IndexDigest { get; init; }

    public required OciImageConfig Config { get; init; }

    public required byte[] ConfigBytes { get; init; }

    public OciDescriptor ManifestDescriptor => new() { MediaType = MediaType, Digest = ManifestDigest, Size = ManifestBytes.LongLength };

    public IReadOnlyList<OciDescriptor> Layers => Manifest.Layers;
}
