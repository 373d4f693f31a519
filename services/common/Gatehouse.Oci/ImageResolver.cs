namespace Gatehouse.Oci;

/// <summary>The resolution steps every store shares: manifest → (index → platform) → manifest → config.</summary>
internal static class ImageResolver
{
    // Indexes may nest (an index of indexes); a few levels is plenty and stops reference loops.
    private const int MaxIndexDepth = 4;

    public static async Task<ResolvedImage> ResolveAsync(
        IImageStore store, string repository, string reference, ImagePlatform platform, int maxConfigBytes, CancellationToken cancellationToken)
    {
        using var activity = OciTelemetry.Source.StartActivity("oci.resolve");
        activity?.SetTag(OciTelemetry.LocationTag, store.Location);
        activity?.SetTag(OciTelemetry.RepositoryTag, repository);
        activity?.SetTag(OciTelemetry.ReferenceTag, reference);
        activity?.SetTag("oci.platform", platform.ToString());

        var what = repository.Length == 0 ? $"{store.Location}:{reference}" : $"{store.Location}/{repository}:{reference}";
        var content = await store.GetManifestAsync(repository, reference, cancellationToken).ConfigureAwait(false);
        string? indexDigest = null;
        for (var depth = 0; OciMediaTypes.IsIndex(content.MediaType) || OciMediaTypes.IsSchema1(content.MediaType); depth++)
        {
            ManifestParser.EnsureSupported(content.MediaType, what);
            if (depth == MaxIndexDepth)
            {
                throw new UnsupportedManifestException($"{what}: indexes nest more than {MaxIndexDepth} levels deep");
            }

            indexDigest ??= content.Digest;
            var index = ManifestParser.ParseIndex(content.Bytes, what);
            var chosen = SelectPlatform(index, platform, what);
            content = await store.GetManifestAsync(repository, chosen.Digest, cancellationToken).ConfigureAwait(false);
        }

        ManifestParser.EnsureSupported(content.MediaType, what);
        var manifest = ManifestParser.ParseManifest(content.Bytes, what);
        if (manifest.Config.MediaType is not (OciMediaTypes.ImageConfig or OciMediaTypes.DockerConfig))
        {
            throw new UnsupportedManifestException(
                $"{what} is an artifact (config {manifest.Config.MediaType}, artifactType {manifest.ArtifactType ?? "none"}), not a container image");
        }

        var configBytes = await ReadBlobAsync(store, repository, manifest.Config, maxConfigBytes, cancellationToken).ConfigureAwait(false);
        OciImageConfig config;
        try
        {
            config = OciJson.DeserializeConfig(configBytes);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new UnsupportedManifestException($"{what}: the image config {manifest.Config.Digest} does not parse: {e.Message}", e);
        }

        activity?.SetTag(OciTelemetry.DigestTag, content.Digest);
        return new ResolvedImage
        {
            Repository = repository,
            Reference = reference,
            ManifestDigest = content.Digest,
            MediaType = content.MediaType,
            ManifestBytes = content.Bytes,
            Manifest = manifest,
            IndexDigest = indexDigest,
            Config = config,
            ConfigBytes = configBytes,
        };
    }

    public static OciDescriptor SelectPlatform(OciImageIndex index, ImagePlatform platform, string what)
    {
        var match = index.Manifests.FirstOrDefault(m => OciMediaTypes.IsManifest(m.MediaType) && platform.Matches(m.Platform));
        if (match is not null)
        {
            return match;
        }

        var available = index.Manifests
            .Where(m => m.Platform is not null && m.Platform.Os != "unknown")
            .Select(m => new ImagePlatform(m.Platform!.Os, m.Platform.Architecture, m.Platform.Variant).ToString())
            .Distinct()
            .ToList();
        throw new PlatformNotFoundException(
            $"{what} has no manifest for {platform}; available: {(available.Count > 0 ? string.Join(", ", available) : "none")}");
    }

    /// <summary>Reads a whole (small) blob, verifying digest and size and refusing anything over <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]> ReadBlobAsync(
        IImageStore store, string repository, OciDescriptor descriptor, int maxBytes, CancellationToken cancellationToken)
    {
        if (descriptor.Size > maxBytes || descriptor.Size < 0)
        {
            throw new OciException($"blob {descriptor.Digest} is {descriptor.Size} bytes; the limit for this kind of blob is {maxBytes}");
        }

        await using var stream = await store.OpenBlobAsync(repository, descriptor.Digest, descriptor.Size, cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream((int)descriptor.Size);
        await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }
}
