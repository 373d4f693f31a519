using Gatehouse.Oci;

namespace Gatehouse.Signer.Discovery;

/// <summary>
/// Finds what could prove who signed a digest: cosign's <c>.sig</c> and <c>.att</c> tags and OCI referrers
/// (Sigstore bundles, attestations), through the same OCI client for registries and layouts.
/// </summary>
public sealed class SignatureArtifactDiscovery(TimeProvider time)
{
    public async Task<SignatureDiscovery> DiscoverAsync(IImageStore store, string registry, string repository, string digest, CancellationToken ct)
    {
        var found = new List<SignatureArtifact>();
        foreach (var (suffix, kind) in new[] { (CosignTags.Signature, "cosign-signature"), (CosignTags.Attestation, "cosign-attestation") })
        {
            var tag = CosignTags.For(digest, suffix);
            if (await store.HeadManifestAsync(repository, tag, ct) is not { } head) continue;
            var manifest = await store.GetManifestAsync(repository, head.Digest, ct);
            var entries = ManifestParser.ParseManifest(manifest.Bytes, tag).Layers.Count;
            found.Add(new SignatureArtifact(kind, tag, head.Digest, head.MediaType, entries));
        }
        foreach (var referrer in await store.GetReferrersAsync(repository, digest, null, ct))
        {
            found.Add(new SignatureArtifact("referrer", referrer.Digest, referrer.Digest,
                referrer.ArtifactType ?? referrer.MediaType, 1));
        }
        return new SignatureDiscovery(registry, repository, digest, found, time.GetUtcNow());
    }
}
