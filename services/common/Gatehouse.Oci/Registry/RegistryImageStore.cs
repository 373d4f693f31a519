using System.Net;
using System.Net.Http.Headers;
using Gatehouse.Contracts;

namespace Gatehouse.Oci.Registry;

/// <summary>An OCI distribution (v2) registry host as an <see cref="IImageStore"/>.</summary>
public sealed partial class RegistryImageStore : IImageStore
{
    private readonly RegistryTransport _transport;
    private readonly OciClientOptions _options;
    private readonly ImagePlatform _defaultPlatform;

    public RegistryImageStore(HttpClient http, string registry, OciClientOptions options, RegistryTokenCache tokens, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Validates the host (and normalizes index.docker.io) the same way image references do.
        Registry = ImageReference.Create(registry, "probe").Registry;
        _options = options;
        _defaultPlatform = ImagePlatform.Parse(options.DefaultPlatform);
        _transport = new RegistryTransport(http, Registry, options.ForRegistry(Registry), options, tokens, time);
    }

    public string Registry { get; }

    public string Location => Registry;

    public Task<ResolvedImage> ResolveAsync(string repository, string reference, ImagePlatform? platform = null, CancellationToken cancellationToken = default) =>
        ImageResolver.ResolveAsync(this, Repo(repository), reference, platform ?? _defaultPlatform, _options.MaxConfigBytes, cancellationToken);

    public async Task<ManifestContent> GetManifestAsync(string repository, string reference, CancellationToken cancellationToken = default)
    {
        repository = Repo(repository);
        using var activity = OciTelemetry.Start("oci.registry.get_manifest", this, repository, reference);
        try
        {
            using var response = await SendAsync(HttpMethod.Get, $"{repository}/manifests/{Ref(repository, reference)}", Pull(repository), AcceptManifests, null, cancellationToken)
                .ConfigureAwait(false);
            await EnsureSuccessAsync(response, $"manifest {repository}:{reference}", cancellationToken).ConfigureAwait(false);
            var bytes = await HttpBodies.ReadBoundedAsync(response, _options.MaxManifestBytes, _options.RequestTimeout, cancellationToken).ConfigureAwait(false);
            var digest = VerifyManifestDigest(response, bytes, reference, $"manifest {Registry}/{repository}:{reference}");
            var mediaType = ManifestParser.DetermineMediaType(bytes, response.Content.Headers.ContentType?.MediaType);
            activity?.SetTag(OciTelemetry.DigestTag, digest);
            return new ManifestContent(digest, mediaType, bytes);
        }
        catch (Exception e)
        {
            activity.RecordError(e);
            throw;
        }
    }

    public async Task<ManifestHead?> HeadManifestAsync(string repository, string reference, CancellationToken cancellationToken = default)
    {
        repository = Repo(repository);
        using var activity = OciTelemetry.Start("oci.registry.head_manifest", this, repository, reference);
        using var response = await SendAsync(HttpMethod.Head, $"{repository}/manifests/{Ref(repository, reference)}", Pull(repository), AcceptManifests, null, cancellationToken)
            .ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, $"manifest {repository}:{reference}", cancellationToken).ConfigureAwait(false);
        var headerDigest = DigestHeader(response);
        if (!ContentDigest.IsValid(headerDigest) || (ContentDigest.IsValid(reference) && headerDigest != reference))
        {
            // No usable header (or one contradicting the digest asked for): fetch and hash instead of guessing.
            var content = await GetManifestAsync(repository, reference, cancellationToken).ConfigureAwait(false);
            return new ManifestHead(content.Digest, content.MediaType, content.Bytes.LongLength);
        }

        return new ManifestHead(headerDigest, response.Content.Headers.ContentType?.MediaType ?? "", response.Content.Headers.ContentLength ?? -1);
    }

    public async Task<Stream> OpenBlobAsync(string repository, string digest, long? expectedSize = null, CancellationToken cancellationToken = default)
    {
        repository = Repo(repository);
        ContentDigest.Parse(digest);
        using var activity = OciTelemetry.Start("oci.registry.open_blob", this, repository, digest);
        var response = await SendAsync(HttpMethod.Get, $"{repository}/blobs/{digest}", Pull(repository), null, null, cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsureSuccessAsync(response, $"blob {repository}@{digest}", cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new DigestVerifyingStream(body, digest, expectedSize ?? response.Content.Headers.ContentLength, response);
        }
        catch (Exception e)
        {
            response.Dispose();
            activity.RecordError(e);
            throw;
        }
    }

    public async Task<bool> BlobExistsAsync(string repository, string digest, CancellationToken cancellationToken = default)
    {
        repository = Repo(repository);
        ContentDigest.Parse(digest);
        using var response = await SendAsync(HttpMethod.Head, $"{repository}/blobs/{digest}", Pull(repository), null, null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureSuccessAsync(response, $"blob {repository}@{digest}", cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<bool> PushBlobAsync(string repository, string digest, long size, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        repository = Repo(repository);
        ContentDigest.Parse(digest);
        using var activity = OciTelemetry.Start("oci.registry.push_blob", this, repository, digest);
        if (await BlobExistsAsync(repository, digest, cancellationToken).ConfigureAwait(false))
        {
            activity?.SetTag("oci.skipped", true);
            return false;
        }

        // Retries and auth replays need to rewind the body; spool one-shot streams to a temporary file first.
        await using var spooled = content.CanSeek ? null : await SpoolAsync(content, cancellationToken).ConfigureAwait(false);
        var body = spooled ?? content;
        var start = body.Position;

        using (var started = await SendAsync(HttpMethod.Post, $"{repository}/blobs/uploads/", Push(repository), null, null, cancellationToken).ConfigureAwait(false))
        {
            await EnsureSuccessAsync(started, $"blob upload to {repository}", cancellationToken).ConfigureAwait(false);
            var location = started.Headers.Location
                ?? throw new OciRegistryException($"registry {Registry} started an upload to {repository} without a Location header");
            var uploadUri = new Uri(_transport.BaseUri, location);
            var separator = string.IsNullOrEmpty(uploadUri.Query) ? "?" : "&";
            var putUri = new Uri(uploadUri.AbsoluteUri + separator + "digest=" + Uri.EscapeDataString(digest));
            using var done = await _transport.SendAsync(
                () =>
                {
                    body.Position = start;
                    var streamContent = new StreamContent(new NonClosingStream(body));
                    streamContent.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                    streamContent.Headers.ContentLength = size;
                    return new HttpRequestMessage(HttpMethod.Put, putUri) { Content = streamContent };
                },
                Push(repository),
                cancellationToken).ConfigureAwait(false);
            await EnsureSuccessAsync(done, $"blob upload {repository}@{digest}", cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    public async Task<string> PushManifestAsync(string repository, string tagOrDigest, string mediaType, byte[] manifest, CancellationToken cancellationToken = default) =>
        (await PushManifestCoreAsync(repository, tagOrDigest, mediaType, manifest, cancellationToken).ConfigureAwait(false)).Digest;

    private async Task<(string Digest, string? Subject)> PushManifestCoreAsync(
        string repository, string tagOrDigest, string mediaType, byte[] manifest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        repository = Repo(repository);
        using var activity = OciTelemetry.Start("oci.registry.push_manifest", this, repository, tagOrDigest);
        if (manifest.Length > _options.MaxManifestBytes)
        {
            throw new OciException($"manifest is {manifest.Length} bytes; the limit is {_options.MaxManifestBytes}");
        }

        var digest = ContentDigest.TryParse(tagOrDigest, out var pinned, out _)
            ? (pinned.Matches(manifest) ? pinned.ToString() : throw new DigestMismatchException(tagOrDigest, pinned.ComputeSameAlgorithm(manifest).ToString(), "manifest to push"))
            : ContentDigest.ComputeSha256(manifest).ToString();
        using var response = await SendAsync(
            HttpMethod.Put, $"{repository}/manifests/{Ref(repository, tagOrDigest)}", Push(repository), null, () =>
            {
                var content = new ByteArrayContent(manifest);
                content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
                return content;
            },
            cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, $"manifest push {repository}:{tagOrDigest}", cancellationToken).ConfigureAwait(false);
        if (DigestHeader(response) is { } stored && stored != digest)
        {
            throw new DigestMismatchException(digest, stored, $"registry {Registry} stored the manifest for {repository}:{tagOrDigest} under another digest");
        }

        activity?.SetTag(OciTelemetry.DigestTag, digest);
        return (digest, response.Headers.TryGetValues("OCI-Subject", out var subject) ? subject.FirstOrDefault() : null);
    }

    private static async Task<FileStream> SpoolAsync(Stream content, CancellationToken cancellationToken)
    {
        var file = new FileStream(
            Path.Combine(Path.GetTempPath(), "gatehouse-blob-" + Guid.NewGuid().ToString("N")),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            await content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            file.Position = 0;
            return file;
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
