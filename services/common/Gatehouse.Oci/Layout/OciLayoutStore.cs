using System.Collections.Concurrent;
using Gatehouse.Contracts;

namespace Gatehouse.Oci.Layout;

/// <summary>
/// An OCI image layout folder (oci-layout, index.json, blobs/&lt;alg&gt;/&lt;hex&gt;) as an <see cref="IImageStore"/>:
/// the stand-in for a registry when everything runs on one machine. Tags are the
/// <c>org.opencontainers.image.ref.name</c> annotations in index.json; the repository argument is ignored.
/// Writes go to temporary files and are renamed into place, so readers never see half a blob or index.
/// </summary>
public sealed partial class OciLayoutStore : IImageStore
{
    // index.json is read-modify-write; serialize writers in this process (different processes should not share a
    // layout for writing at the same time).
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> IndexLocks = new(StringComparer.Ordinal);

    private readonly OciClientOptions _options;
    private readonly ImagePlatform _defaultPlatform;

    public OciLayoutStore(string directory, OciClientOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
        _options = options ?? new OciClientOptions();
        _defaultPlatform = ImagePlatform.Parse(_options.DefaultPlatform);
    }

    public string Directory { get; }

    public string Location => "oci:" + Directory;

    private string IndexPath => Path.Combine(Directory, "index.json");

    public Task<ResolvedImage> ResolveAsync(string repository, string reference, ImagePlatform? platform = null, CancellationToken cancellationToken = default) =>
        ImageResolver.ResolveAsync(this, repository, reference, platform ?? _defaultPlatform, _options.MaxConfigBytes, cancellationToken);

    public async Task<ManifestContent> GetManifestAsync(string repository, string reference, CancellationToken cancellationToken = default)
    {
        using var activity = OciTelemetry.Start("oci.layout.get_manifest", this, repository, reference);
        var index = await ReadIndexAsync(cancellationToken).ConfigureAwait(false);
        var descriptor = Find(index, reference);
        if (descriptor is null && !ContentDigest.IsValid(reference))
        {
            throw new OciNotFoundException(NotFoundMessage(index, reference));
        }

        var digest = descriptor?.Digest ?? reference;
        if (!await BlobExistsAsync(repository, digest, cancellationToken).ConfigureAwait(false))
        {
            throw new OciNotFoundException($"manifest {digest} is not in {Location}");
        }

        var bytes = await ImageResolver.ReadBlobAsync(
            this, repository, descriptor ?? new OciDescriptor { MediaType = "", Digest = digest, Size = new FileInfo(BlobPath(digest)).Length },
            _options.MaxManifestBytes, cancellationToken).ConfigureAwait(false);
        activity?.SetTag(OciTelemetry.DigestTag, digest);
        return new ManifestContent(digest, ManifestParser.DetermineMediaType(bytes, descriptor?.MediaType), bytes);
    }

    public async Task<ManifestHead?> HeadManifestAsync(string repository, string reference, CancellationToken cancellationToken = default)
    {
        try
        {
            var content = await GetManifestAsync(repository, reference, cancellationToken).ConfigureAwait(false);
            return new ManifestHead(content.Digest, content.MediaType, content.Bytes.LongLength);
        }
        catch (OciNotFoundException)
        {
            return null;
        }
    }

    public Task<Stream> OpenBlobAsync(string repository, string digest, long? expectedSize = null, CancellationToken cancellationToken = default)
    {
        var path = BlobPath(digest);
        using var activity = OciTelemetry.Start("oci.layout.open_blob", this, repository, digest);
        if (!File.Exists(path))
        {
            throw new OciNotFoundException($"blob {digest} is not in {Location}");
        }

        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return Task.FromResult<Stream>(new DigestVerifyingStream(file, digest, expectedSize));
    }

    public Task<bool> BlobExistsAsync(string repository, string digest, CancellationToken cancellationToken = default) =>
        Task.FromResult(File.Exists(BlobPath(digest)));

    public async Task<bool> PushBlobAsync(string repository, string digest, long size, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = BlobPath(digest);
        if (File.Exists(path))
        {
            return false;
        }

        using var activity = OciTelemetry.Start("oci.layout.push_blob", this, repository, digest);
        await EnsureLayoutAsync(cancellationToken).ConfigureAwait(false);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            // Verify while copying, so a wrong digest never lands under its name.
            await using (var verifying = new DigestVerifyingStream(new NonClosingStream(content), digest, size))
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                await verifying.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            }

            File.Move(temporary, path, overwrite: true);
            return true;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public async Task<string> PushManifestAsync(string repository, string tagOrDigest, string mediaType, byte[] manifest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        using var activity = OciTelemetry.Start("oci.layout.push_manifest", this, repository, tagOrDigest);
        if (manifest.Length > _options.MaxManifestBytes)
        {
            throw new OciException($"manifest is {manifest.Length} bytes; the limit is {_options.MaxManifestBytes}");
        }

        string? tag = null;
        var digest = ContentDigest.ComputeSha256(manifest).ToString();
        if (ContentDigest.TryParse(tagOrDigest, out var pinned, out _))
        {
            digest = pinned.Matches(manifest) ? pinned.ToString()
                : throw new DigestMismatchException(tagOrDigest, pinned.ComputeSameAlgorithm(manifest).ToString(), "manifest to push");
        }
        else
        {
            tag = ImageReference.Create("localhost", "layout", tag: tagOrDigest).Tag;
        }

        await this.PushBlobAsync(repository, manifest, cancellationToken).ConfigureAwait(false);
        var descriptor = new OciDescriptor
        {
            MediaType = mediaType,
            Digest = digest,
            Size = manifest.LongLength,
            ArtifactType = OciMediaTypes.IsImageManifest(mediaType) ? TryParseManifest(manifest)?.ArtifactType : null,
            Annotations = tag is null ? null : new Dictionary<string, string> { [OciMediaTypes.RefNameAnnotation] = tag },
        };
        await UpdateIndexAsync(
            index => tag is null
                ? (index.Manifests.Any(m => m.Digest == digest) ? index : index with { Manifests = [.. index.Manifests, descriptor] })
                : index with { Manifests = [.. index.Manifests.Where(m => RefName(m) != tag), descriptor] },
            cancellationToken).ConfigureAwait(false);
        activity?.SetTag(OciTelemetry.DigestTag, digest);
        return digest;
    }

    public async Task<IReadOnlyList<string>> ListTagsAsync(string repository, CancellationToken cancellationToken = default)
    {
        var index = await ReadIndexAsync(cancellationToken).ConfigureAwait(false);
        return index.Manifests.Select(RefName).OfType<string>().Distinct().ToList();
    }

    private string BlobPath(string digest)
    {
        // Parsing guarantees algorithm and hex hold no path separators.
        var parsed = ContentDigest.Parse(digest);
        return Path.Combine(Directory, "blobs", parsed.Algorithm, parsed.Hex);
    }

    private static string? RefName(OciDescriptor descriptor) =>
        descriptor.Annotations?.TryGetValue(OciMediaTypes.RefNameAnnotation, out var name) == true ? name : null;

    private static OciImageManifest? TryParseManifest(byte[] bytes)
    {
        try
        {
            return OciJson.DeserializeManifest(bytes);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The descriptor a reference names: a digest, a ref name, or (empty reference) the only named image; an image
    /// written by other tools may carry the full reference as its ref name, so <c>repo:tag</c> endings match too.
    /// </summary>
    private static OciDescriptor? Find(OciImageIndex index, string reference)
    {
        if (ContentDigest.IsValid(reference))
        {
            return index.Manifests.FirstOrDefault(m => m.Digest == reference);
        }

        if (reference.Length == 0)
        {
            var named = index.Manifests.Where(m => RefName(m) is not null).ToList();
            var candidates = named.Count > 0 ? named : index.Manifests;
            return candidates.Count == 1 ? candidates[0] : null;
        }

        return index.Manifests.FirstOrDefault(m => RefName(m) == reference)
            ?? index.Manifests.FirstOrDefault(m => RefName(m)?.EndsWith(":" + reference, StringComparison.Ordinal) == true);
    }

    private string NotFoundMessage(OciImageIndex index, string reference)
    {
        var names = index.Manifests.Select(RefName).OfType<string>().ToList();
        var known = names.Count == 0 ? "it has no ref names" : "ref names: " + string.Join(", ", names);
        return reference.Length == 0
            ? $"{Location} holds {index.Manifests.Count} manifests; name one as oci:<dir>:<ref> ({known})"
            : $"no manifest named '{reference}' in {Location} ({known})";
    }
}
