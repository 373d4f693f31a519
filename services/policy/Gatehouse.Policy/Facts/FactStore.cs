using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Gatehouse.Contracts;
using Gatehouse.Contracts.Messages;
using Gatehouse.Policy.Decisions;
using Gatehouse.ServiceDefaults.Store;

namespace Gatehouse.Policy.Facts;

/// <summary>
/// Facts per digest in the shared store, one key per kind so concurrent consumers never overwrite each other's
/// facts. Writes are idempotent (a redelivered message writes the same value) and order-tolerant (an older fact
/// never replaces a newer one of the same kind).
/// </summary>
public sealed class FactStore(IKeyValueStore store)
{
    public const string Prefix = StoreKeys.Prefix + "pol:";

    /// <summary>Every digest with facts: what a policy change re-decides.</summary>
    public const string DigestsKey = Prefix + "digests";

    public static string FactKey(string digest, string kind) => $"{Prefix}facts:{digest}:{kind}";

    private const string Refs = "refs", Sbom = "sbom", Vulns = "vulns", Sigs = "sigs", SigSources = "sigs-sources", Failed = "failed-";
    private static readonly string[] FailureFacets = ["manifest", "sbom", "vulnerabilities", "signatures"];

    public async Task AddReferenceAsync(ImagePushed pushed)
    {
        ArgumentNullException.ThrowIfNull(pushed);
        var reference = ImageReference.Create(pushed.Registry, pushed.Repository, pushed.Tag, pushed.Digest);
        await store.SetAddAsync(FactKey(pushed.Digest, Refs), reference.ToString());
        await store.SetAddAsync(DigestsKey, pushed.Digest);
    }

    public Task<bool> PutSbomAsync(SbomGenerated fact) =>
        PutNewerAsync(fact.Digest, Sbom, fact, FactJsonContext.Default.SbomGenerated, f => f.GeneratedAt);

    public Task<bool> PutVulnerabilitiesAsync(VulnerabilitiesFound fact) =>
        PutNewerAsync(fact.Digest, Vulns, fact, FactJsonContext.Default.VulnerabilitiesFound, f => f.EvaluatedAt);

    /// <summary>
    /// One result per repository the digest was pushed to (signatures are looked up beside the pushed image), so a
    /// copy without signatures (a mirror) does not erase what the signed repository established; see
    /// <see cref="SignatureResults.Merge"/>. A result without its source (an older signer) is kept as one more.
    /// </summary>
    public async Task<bool> PutSignaturesAsync(SignaturesVerified fact)
    {
        ArgumentNullException.ThrowIfNull(fact);
        if (SignatureResults.SourceOf(fact) is not { } source)
            return await PutNewerAsync(fact.Digest, Sigs, fact, FactJsonContext.Default.SignaturesVerified, f => f.VerifiedAt);
        var kind = Sigs + "@" + source;
        // Listed before it is written: a crash in between leaves a name that reads as nothing, never a hidden result.
        await store.SetAddAsync(FactKey(fact.Digest, SigSources), kind);
        return await PutNewerAsync(fact.Digest, kind, fact, FactJsonContext.Default.SignaturesVerified, f => f.VerifiedAt);
    }

    public Task<bool> PutFailureAsync(ImageAnalysisFailed fact)
    {
        var facet = FailureFacets.Contains(fact.Facet, StringComparer.Ordinal) ? fact.Facet : "other";
        return PutNewerAsync(fact.Digest, Failed + facet, fact, FactJsonContext.Default.ImageAnalysisFailed, f => f.FailedAt);
    }

    /// <returns>False when a fact of this kind at least as new is already stored (a redelivery or a late arrival).</returns>
    private async Task<bool> PutNewerAsync<T>(string digest, string kind, T fact, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, Func<T, DateTimeOffset> at)
    {
        var key = FactKey(digest, kind);
        var json = JsonSerializer.Serialize(fact, type);
        var existing = await store.GetAsync(key);
        if (existing == json) return false;
        if (existing is not null && TryDeserialize(existing, type) is { } stored && at(stored) > at(fact)) return false;
        await store.SetAsync(key, json);
        await store.SetAddAsync(DigestsKey, digest);
        return true;
    }

    public async Task<IReadOnlyList<string>> KnownDigestsAsync() => await store.SetMembersAsync(DigestsKey);

    /// <summary>The vulnerability facts of many digests, in their order (null: none or unreadable), read in one batch.</summary>
    public async Task<IReadOnlyList<VulnerabilitiesFound?>> VulnerabilitiesOfManyAsync(IReadOnlyList<string> digests)
    {
        ArgumentNullException.ThrowIfNull(digests);
        var texts = await store.GetManyAsync([.. digests.Select(d => FactKey(d, Vulns))]);
        return [.. texts.Select(json => json is null ? null : TryDeserialize(json, FactJsonContext.Default.VulnerabilitiesFound))];
    }

    /// <summary>All facts of a digest, read in parallel, with a fingerprint of exactly what was read.</summary>
    public async Task<FactSnapshot> ReadAsync(string digest)
    {
        var refs = store.SetMembersAsync(FactKey(digest, Refs));
        var sbom = store.GetAsync(FactKey(digest, Sbom));
        var vulns = store.GetAsync(FactKey(digest, Vulns));
        var sigs = store.GetAsync(FactKey(digest, Sigs));
        var sigSources = store.SetMembersAsync(FactKey(digest, SigSources));
        var trustRoot = store.GetAsync(ObservedVersions.TrustRootKey);
        var manifest = store.GetAsync(StoreKeys.ImageManifest(digest));
        var failures = FailureFacets.Append("other").Select(f => store.GetAsync(FactKey(digest, Failed + f))).ToArray();
        await Task.WhenAll([refs, sbom, vulns, sigs, sigSources, trustRoot, manifest, .. failures]);
        var sourceKinds = sigSources.Result.Order(StringComparer.Ordinal).ToList();
        var sourced = await Task.WhenAll(sourceKinds.Select(kind => store.GetAsync(FactKey(digest, kind))));

        var raw = new StringBuilder();
        foreach (var r in refs.Result.Order(StringComparer.Ordinal)) raw.Append(r).Append('\n');
        foreach (var part in new[] { sbom.Result, vulns.Result, sigs.Result, manifest.Result }.Concat(failures.Select(f => f.Result)))
            raw.Append(part ?? "-").Append('\n');
        var signatures = SignaturesOf(sigs.Result, sourced, sourceKinds.Count > 0 ? ObservedVersions.VersionOf(trustRoot.Result) : null);
        if (sourceKinds.Count > 0)
        {
            // The merge depends on each repository's result and on the current trust root.
            for (var i = 0; i < sourceKinds.Count; i++) raw.Append(sourceKinds[i]).Append('=').Append(sourced[i] ?? "-").Append('\n');
            raw.Append("trust-root=").Append(trustRoot.Result ?? "-").Append('\n');
        }
        return new FactSnapshot(
            digest,
            [.. refs.Result.Select(r => ImageReference.TryParse(r, out var parsed, out _) ? parsed : null).OfType<ImageReference>()],
            sbom.Result is { } s ? TryDeserialize(s, FactJsonContext.Default.SbomGenerated) : null,
            vulns.Result is { } v ? TryDeserialize(v, FactJsonContext.Default.VulnerabilitiesFound) : null,
            signatures,
            manifest.Result is { } m ? TryDeserialize(m, FactJsonContext.Default.ManifestLayers) : null,
            [.. failures.Select(f => f.Result is { } text ? TryDeserialize(text, FactJsonContext.Default.ImageAnalysisFailed) : null).OfType<ImageAnalysisFailed>()],
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(raw.ToString()))));
    }

    /// <summary>
    /// The result a decision uses: the repositories' results merged. A result stored without its source (by a signer
    /// from before results were kept per repository) counts only while no repository's result is newer: it came from one
    /// of them, and a newer result of that repository replaces it.
    /// </summary>
    private static SignaturesVerified? SignaturesOf(string? unsourced, IEnumerable<string?> sourced, string? currentTrustRoot)
    {
        var results = sourced.OfType<string>().Select(json => TryDeserialize(json, FactJsonContext.Default.SignaturesVerified)).OfType<SignaturesVerified>().ToList();
        if (unsourced is not null && TryDeserialize(unsourced, FactJsonContext.Default.SignaturesVerified) is { } legacy
            && results.All(r => r.VerifiedAt < legacy.VerifiedAt))
            results.Add(legacy);
        return SignatureResults.Merge(results, currentTrustRoot);
    }

    private static T? TryDeserialize<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(json, type);
        }
        catch (JsonException)
        {
            return default;
        }
    }
}

/// <summary>What is known about one digest at one moment.</summary>
/// <param name="Fingerprint">Hash of the raw stored facts: equal fingerprints, equal inputs to the evaluator.</param>
public sealed record FactSnapshot(
    string Digest,
    IReadOnlyList<ImageReference> References,
    SbomGenerated? Sbom,
    VulnerabilitiesFound? Vulnerabilities,
    SignaturesVerified? Signatures,
    ManifestLayers? Manifest,
    IReadOnlyList<ImageAnalysisFailed> Failures,
    string Fingerprint)
{
    /// <summary>An analysis produced something; a push alone (e.g. of a signature artifact) is not decided.</summary>
    public bool HasAnalysis => Sbom is not null || Vulnerabilities is not null || Signatures is not null || Manifest is not null || Failures.Count > 0;
}

/// <summary>The part of the scanner's manifest record (<see cref="StoreKeys.ImageManifest"/>) policy reads.</summary>
public sealed record ManifestLayers(IReadOnlyList<ManifestLayer> Layers);

public sealed record ManifestLayer(string Digest, string? DiffId);

/// <summary>A version (trust root, advisory data) and when it was last seen on a fact.</summary>
public sealed record ObservedVersion(string Version, DateTimeOffset ObservedAt);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SbomGenerated))]
[JsonSerializable(typeof(VulnerabilitiesFound))]
[JsonSerializable(typeof(SignaturesVerified))]
[JsonSerializable(typeof(ImageAnalysisFailed))]
[JsonSerializable(typeof(ManifestLayers))]
[JsonSerializable(typeof(ObservedVersion))]
internal sealed partial class FactJsonContext : JsonSerializerContext;
