using System.Net;
using Gatehouse.Contracts;

namespace Gatehouse.Oci.Registry;

// Tags and referrers: listing with pagination, the OCI 1.1 referrers API and its tag-schema fallback.
public sealed partial class RegistryImageStore
{
    // Bounds pagination, so a registry that keeps sending "next" cannot keep us here.
    private const int MaxPages = 100;

    public async Task<IReadOnlyList<string>> ListTagsAsync(string repository, CancellationToken cancellationToken = default)
    {
        repository = Repo(repository);
        using var activity = OciTelemetry.Start("oci.registry.list_tags", this, repository);
        var tags = new List<string>();
        Uri? next = new(_transport.BaseUri, $"{repository}/tags/list?n=1000");
        for (var page = 0; next is not null && page < MaxPages; page++)
        {
            using var response = await SendAsync(HttpMethod.Get, next, Pull(repository), null, null, cancellationToken).ConfigureAwait(false);
            await EnsureSuccessAsync(response, $"tag list of {repository}", cancellationToken).ConfigureAwait(false);
            var body = await HttpBodies.ReadBoundedAsync(response, _options.MaxManifestBytes, _options.RequestTimeout, cancellationToken).ConfigureAwait(false);
            tags.AddRange(OciJson.Deserialize<TagList>(body).Tags ?? []);
            next = NextPage(response);
        }

        return tags;
    }

    public async Task<IReadOnlyList<OciDescriptor>> GetReferrersAsync(
        string repository, string digest, string? artifactType = null, CancellationToken cancellationToken = default)
    {
        repository = Repo(repository);
        ContentDigest.Parse(digest);
        using var activity = OciTelemetry.Start("oci.registry.get_referrers", this, repository, digest);
        var query = artifactType is null ? "" : "?artifactType=" + Uri.EscapeDataString(artifactType);
        Uri? next = new(_transport.BaseUri, $"{repository}/referrers/{digest}{query}");
        var referrers = new List<OciDescriptor>();
        for (var page = 0; next is not null && page < MaxPages; page++)
        {
            using var response = await SendAsync(HttpMethod.Get, next, Pull(repository), [OciMediaTypes.ImageIndex], null, cancellationToken)
                .ConfigureAwait(false);
            // A registry with the API never answers 404 here (the spec requires an empty list), so 404 means no API.
            if (response.StatusCode == HttpStatusCode.NotFound && page == 0)
            {
                activity?.SetTag("oci.referrers.fallback", true);
                return await GetReferrersFromTagAsync(repository, digest, artifactType, cancellationToken).ConfigureAwait(false);
            }

            await EnsureSuccessAsync(response, $"referrers of {repository}@{digest}", cancellationToken).ConfigureAwait(false);
            var body = await HttpBodies.ReadBoundedAsync(response, _options.MaxManifestBytes, _options.RequestTimeout, cancellationToken).ConfigureAwait(false);
            referrers.AddRange(ManifestParser.ParseIndex(body, $"referrers of {repository}@{digest}").Manifests);
            next = NextPage(response);
        }

        // Filter here as well: a registry may ignore the artifactType filter (it says so in OCI-Filters-Applied).
        return ReferrerManifests.FilterByArtifactType(referrers, artifactType);
    }

    private async Task<IReadOnlyList<OciDescriptor>> GetReferrersFromTagAsync(
        string repository, string digest, string? artifactType, CancellationToken cancellationToken)
    {
        var index = await ReadTagSchemaIndexAsync(repository, digest, cancellationToken).ConfigureAwait(false);
        return ReferrerManifests.FilterByArtifactType(index?.Manifests ?? [], artifactType);
    }

    private async Task<OciImageIndex?> ReadTagSchemaIndexAsync(string repository, string digest, CancellationToken cancellationToken)
    {
        try
        {
            var content = await GetManifestAsync(repository, ReferrerManifests.TagSchemaTag(digest), cancellationToken).ConfigureAwait(false);
            return OciMediaTypes.IsIndex(content.MediaType)
                ? ManifestParser.ParseIndex(content.Bytes, $"referrers tag of {repository}@{digest}")
                : throw new UnsupportedManifestException(
                    $"the referrers tag {ReferrerManifests.TagSchemaTag(digest)} in {repository} holds a {content.MediaType}, not an index");
        }
        catch (OciNotFoundException)
        {
            return null;
        }
    }

    public async Task<OciDescriptor> AttachReferrerAsync(
        string repository, OciDescriptor subject, ReferrerArtifact artifact, CancellationToken cancellationToken = default)
    {
        repository = Repo(repository);
        using var activity = OciTelemetry.Start("oci.registry.attach_referrer", this, repository, subject?.Digest);
        var manifest = ReferrerManifests.BuildManifest(subject!, artifact);
        await this.PushBlobAsync(repository, ReferrerManifests.EmptyJson, cancellationToken).ConfigureAwait(false);
        foreach (var blob in artifact.Blobs)
        {
            await this.PushBlobAsync(repository, blob.Content, cancellationToken).ConfigureAwait(false);
        }

        var bytes = OciJson.Serialize(manifest);
        var digest = ContentDigest.ComputeSha256(bytes).ToString();
        var (_, subjectHeader) = await PushManifestCoreAsync(repository, digest, OciMediaTypes.ImageManifest, bytes, cancellationToken).ConfigureAwait(false);
        var descriptor = ReferrerManifests.ReferrerDescriptor(digest, bytes, manifest);
        if (subjectHeader == subject!.Digest)
        {
            // The registry indexes referrers itself (OCI-Subject header): nothing more to do.
            return descriptor;
        }

        // No referrers API: keep the sha256-<hex> tag's index up to date. This read-modify-write can lose an entry
        // when two writers race; distribution has no conditional PUT, so the last writer wins.
        activity?.SetTag("oci.referrers.fallback", true);
        var existing = await ReadTagSchemaIndexAsync(repository, subject.Digest, cancellationToken).ConfigureAwait(false);
        if (existing?.Manifests.Any(m => m.Digest == digest) == true)
        {
            return descriptor;
        }

        var index = ReferrerManifests.AddToIndex(existing, descriptor);
        await PushManifestAsync(repository, ReferrerManifests.TagSchemaTag(subject.Digest), OciMediaTypes.ImageIndex, OciJson.Serialize(index), cancellationToken)
            .ConfigureAwait(false);
        return descriptor;
    }
}
