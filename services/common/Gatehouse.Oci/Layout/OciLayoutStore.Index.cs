using Gatehouse.Contracts;

namespace Gatehouse.Oci.Layout;

// index.json reading and atomic updates, and referrers (found by scanning index.json for manifests with a subject).
public sealed partial class OciLayoutStore
{
    public async Task<IReadOnlyList<OciDescriptor>> GetReferrersAsync(
        string repository, string digest, string? artifactType = null, CancellationToken cancellationToken = default)
    {
        ContentDigest.Parse(digest);
        using var activity = OciTelemetry.Start("oci.layout.get_referrers", this, repository, digest);
        var index = await ReadIndexAsync(cancellationToken).ConfigureAwait(false);
        var referrers = new List<OciDescriptor>();
        foreach (var entry in index.Manifests.Where(m => OciMediaTypes.IsImageManifest(m.MediaType)).DistinctBy(m => m.Digest))
        {
            var bytes = await ImageResolver.ReadBlobAsync(this, repository, entry, _options.MaxManifestBytes, cancellationToken).ConfigureAwait(false);
            var manifest = ManifestParser.ParseManifest(bytes, $"{Location}@{entry.Digest}");
            if (manifest.Subject?.Digest == digest)
            {
                referrers.Add(ReferrerManifests.ReferrerDescriptor(entry.Digest, bytes, manifest));
            }
        }

        return ReferrerManifests.FilterByArtifactType(referrers, artifactType);
    }

    public async Task<OciDescriptor> AttachReferrerAsync(
        string repository, OciDescriptor subject, ReferrerArtifact artifact, CancellationToken cancellationToken = default)
    {
        using var activity = OciTelemetry.Start("oci.layout.attach_referrer", this, repository, subject?.Digest);
        var manifest = ReferrerManifests.BuildManifest(subject!, artifact);
        await this.PushBlobAsync(repository, ReferrerManifests.EmptyJson, cancellationToken).ConfigureAwait(false);
        foreach (var blob in artifact.Blobs)
        {
            await this.PushBlobAsync(repository, blob.Content, cancellationToken).ConfigureAwait(false);
        }

        // Listed in index.json without a ref name, which is how the image layout spec carries referrers.
        var bytes = OciJson.Serialize(manifest);
        var digest = await PushManifestAsync(repository, ContentDigest.ComputeSha256(bytes).ToString(), OciMediaTypes.ImageManifest, bytes, cancellationToken)
            .ConfigureAwait(false);
        return ReferrerManifests.ReferrerDescriptor(digest, bytes, manifest);
    }

    private async Task<OciImageIndex> ReadIndexAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(IndexPath))
        {
            throw new OciNotFoundException($"{Location} is not an OCI image layout (no index.json)");
        }

        var bytes = await File.ReadAllBytesAsync(IndexPath, cancellationToken).ConfigureAwait(false);
        return ManifestParser.ParseIndex(bytes, $"{IndexPath}");
    }

    private async Task UpdateIndexAsync(Func<OciImageIndex, OciImageIndex> update, CancellationToken cancellationToken)
    {
        var gate = IndexLocks.GetOrAdd(Directory, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsureLayoutAsync(cancellationToken).ConfigureAwait(false);
            var updated = update(await ReadIndexAsync(cancellationToken).ConfigureAwait(false));
            await WriteAtomicallyAsync(IndexPath, OciJson.Serialize(updated), replace: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Creates the layout skeleton (oci-layout, empty index.json) when the folder is new.</summary>
    private async Task EnsureLayoutAsync(CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "blobs", ContentDigest.Sha256));
        await WriteAtomicallyAsync(Path.Combine(Directory, "oci-layout"), OciJson.Serialize(new OciLayoutMarker()), replace: false, cancellationToken)
            .ConfigureAwait(false);
        var empty = new OciImageIndex { MediaType = OciMediaTypes.ImageIndex };
        await WriteAtomicallyAsync(IndexPath, OciJson.Serialize(empty), replace: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes a sibling temporary file and renames it into place (atomic on one file system). Without
    /// <paramref name="replace"/>, an existing file wins, so creating a skeleton never clobbers a concurrent update.
    /// </summary>
    private static async Task WriteAtomicallyAsync(string path, byte[] content, bool replace, CancellationToken cancellationToken)
    {
        if (!replace && File.Exists(path))
        {
            return;
        }

        var temporary = path + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                await file.WriteAsync(content, cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: replace);
        }
        catch (IOException) when (!replace && File.Exists(path))
        {
            // Someone else created it first; theirs is as good as ours.
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
