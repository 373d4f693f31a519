using Gatehouse.Contracts.Messages;
using Gatehouse.Oci;
using Gatehouse.Signer.Formats;

namespace Gatehouse.Signer.Discovery;

/// <summary>
/// Finds what could prove who signed a digest: cosign's <c>.sig</c> and <c>.att</c> tags and OCI referrers
/// (Sigstore bundles, cosign artifacts; the OCI client falls back to the referrers tag), through the same client for
/// registries and layouts. Finding is cheap (HEADs and one referrers list); loading reads the layers, bounded in
/// number and size. Transient registry errors propagate; unreadable artifacts become problems.
/// </summary>
public sealed class SignatureArtifactDiscovery(TimeProvider time)
{
    public const string SignatureKind = "cosign-signature";
    public const string AttestationKind = "cosign-attestation";
    public const string ReferrerKind = "referrer";
    private const int MaxEntriesPerArtifact = 64;
    private const int MaxPayloadBytes = 1024 * 1024;
    private const int MaxEnvelopeBytes = 32 * 1024 * 1024;

    public async Task<SignatureDiscovery> FindAsync(IImageStore store, string registry, string repository, string digest, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        var found = new List<SignatureArtifact>();
        foreach (var (suffix, kind) in new[] { (CosignTags.Signature, SignatureKind), (CosignTags.Attestation, AttestationKind) })
        {
            var tag = CosignTags.For(digest, suffix);
            if (await store.HeadManifestAsync(repository, tag, ct) is not { } head) continue;
            found.Add(new SignatureArtifact(kind, tag, head.Digest, head.MediaType, 0));
        }

        foreach (var referrer in await store.GetReferrersAsync(repository, digest, null, ct))
        {
            // Other referrers (an SBOM the scanner attached, say) carry no signature: not artifacts of ours.
            if (!IsSignatureArtifactType(referrer.ArtifactType ?? referrer.MediaType)) continue;
            found.Add(new SignatureArtifact(ReferrerKind, referrer.Digest, referrer.Digest, referrer.ArtifactType ?? referrer.MediaType, 0));
        }

        return new SignatureDiscovery(registry, repository, digest, found, time.GetUtcNow());
    }

    private static bool IsSignatureArtifactType(string? type) =>
        CosignFormats.IsSigstoreBundle(type) || type is CosignFormats.DsseEnvelopeMediaType or CosignFormats.SimpleSigningMediaType;

    /// <summary>Reads the signature layers of every artifact; returns the discovery with entry counts filled in.</summary>
    public async Task<(SignatureDiscovery Discovery, LoadedSignatures Loaded)> LoadAsync(
        IImageStore store, SignatureDiscovery discovery, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(discovery);
        var entries = new List<SignatureEntry>();
        var problems = new List<SignatureFailure>();
        var artifacts = new List<SignatureArtifact>();
        foreach (var artifact in discovery.Artifacts)
        {
            var before = entries.Count;
            try
            {
                await LoadArtifactAsync(store, discovery.Repository, artifact, entries, ct);
            }
            catch (OciException e) when (OciFailure.IsPermanent(e))
            {
                problems.Add(new SignatureFailure(artifact.Reference, "artifact-unreadable", e.Message));
            }

            artifacts.Add(artifact with { Entries = entries.Count - before });
        }

        return (discovery with { Artifacts = artifacts }, new LoadedSignatures(entries, problems));
    }

    private static async Task LoadArtifactAsync(IImageStore store, string repository, SignatureArtifact artifact, List<SignatureEntry> entries, CancellationToken ct)
    {
        var content = await store.GetManifestAsync(repository, artifact.Digest, ct);
        if (!OciMediaTypes.IsImageManifest(content.MediaType))
        {
            // Not something that carries signatures (e.g. an index attached as a referrer).
            return;
        }

        var manifest = ManifestParser.ParseManifest(content.Bytes, $"{repository}@{artifact.Digest}");
        var layers = manifest.Layers.Take(MaxEntriesPerArtifact).Select((layer, index) => (layer, index));
        foreach (var (layer, index) in layers)
        {
            if (!IsSignatureLayer(artifact, manifest, layer))
            {
                continue;
            }

            var limit = layer.MediaType == CosignFormats.SimpleSigningMediaType ? MaxPayloadBytes : MaxEnvelopeBytes;
            var bytes = await store.ReadBlobAsync(repository, layer, limit, ct);
            entries.Add(new SignatureEntry($"{artifact.Reference}#{index}", artifact.Kind, layer.MediaType, bytes,
                layer.Annotations ?? new Dictionary<string, string>()));
        }
    }

    /// <summary>Tag artifacts are signatures by definition; referrers only when they carry a signature format.</summary>
    private static bool IsSignatureLayer(SignatureArtifact artifact, OciImageManifest manifest, OciDescriptor layer) =>
        artifact.Kind != ReferrerKind ||
        layer.MediaType is CosignFormats.SimpleSigningMediaType or CosignFormats.DsseEnvelopeMediaType ||
        CosignFormats.IsSigstoreBundle(layer.MediaType) ||
        (CosignFormats.IsSigstoreBundle(manifest.ArtifactType) && layer.MediaType.EndsWith("json", StringComparison.Ordinal));
}
