namespace Gatehouse.Contracts;

/// <summary>
/// Key builders for the shared store (Redis in production). Every service that reads or writes a key
/// builds it here, so a key's shape is defined once. Keys are by digest, never by tag, except the tag map.
/// </summary>
public static class StoreKeys
{
    public const string Prefix = "gh:";

    /// <summary>Registry event ids already turned into events (redelivery deduplication).</summary>
    public static string RegistryEvent(string source, string eventId) => $"{Prefix}evt:{source}:{eventId}";

    /// <summary>(repository, digest, tag) seen within the deduplication window.</summary>
    public static string RecentPush(string registry, string repository, string digest, string? tag) =>
        $"{Prefix}push:{registry}/{repository}@{digest}#{tag}";

    /// <summary>Tag → digest map that admission uses to pin tag references (value: digest).</summary>
    public static string TagMap(string registry, string repository, string tag) => $"{Prefix}tag:{registry}/{repository}:{tag}";

    /// <summary>What the scanner read from the manifest and config (JSON: platform, layers).</summary>
    public static string ImageManifest(string digest) => $"{Prefix}img:{digest}:manifest";

    /// <summary>Signature artifacts the signer discovered for a digest (JSON).</summary>
    public static string SignatureArtifacts(string digest) => $"{Prefix}img:{digest}:sigs";

    /// <summary>The decision record of one digest under one profile (JSON <see cref="Decisions.DecisionRecord"/>).</summary>
    public static string Decision(string profile, string digest) => $"{Prefix}dec:{profile}:{digest}";

    /// <summary>The versions a decision must carry to be current for a profile (JSON <see cref="Decisions.DecisionVersions"/>).</summary>
    public static string DecisionVersions(string profile) => $"{Prefix}decver:{profile}";

    /// <summary>Pub/sub channel on which policy announces changed decisions and versions (message: profile and digest, or profile).</summary>
    public const string DecisionChannel = Prefix + "dec:changed";

    /// <summary>Image digests whose SBOM contains a package, by purl without version and qualifiers (a set).</summary>
    public static string PackageImages(string purlWithoutVersion) => $"{Prefix}pkg:{purlWithoutVersion}";

    /// <summary>Image digests whose SBOM contains a package at one version, by purl with version, without qualifiers (a set).</summary>
    public static string PackageVersionImages(string purlWithVersion) => $"{Prefix}pkgv:{purlWithVersion}";

    /// <summary>Digests that have an SBOM (a set): what re-evaluation iterates when it must visit every image.</summary>
    public const string IndexedImages = Prefix + "sbom:images";

    /// <summary>The SBOM document of a digest (CycloneDX JSON), kept beside the registry copy for re-evaluation without pulls.</summary>
    public static string Sbom(string digest) => $"{Prefix}sbom:{digest}";

    /// <summary>Where the SBOM of a digest is and what it holds (JSON: reference, hash, counts).</summary>
    public static string SbomRecord(string digest) => $"{Prefix}sbom:{digest}:record";

    /// <summary>A short-lived claim on extracting a digest's SBOM, so concurrent pushes of one digest extract it once.</summary>
    public static string SbomClaim(string digest) => $"{Prefix}sbom:{digest}:claim";
    /// <summary>Version-less purls of the packages with one name (a set; name as <see cref="PackageNameKey.Of"/> folds it): what a bare name query expands to.</summary>
    public static string PackageNames(string nameKey) => $"{Prefix}pkgname:{nameKey}";

    /// <summary>The versioned purls (no qualifiers) indexed for one version-less purl (a set): the versions a range query compares.</summary>
    public static string PackageVersions(string purlWithoutVersion) => $"{Prefix}pkgvers:{purlWithoutVersion}";

    /// <summary>Images whose current vulnerability report names an advisory id or alias (a set of <see cref="AdvisoryImageMember"/> texts), by upper-case id.</summary>
    public static string AdvisoryImages(string advisoryId) => $"{Prefix}adv:{advisoryId.ToUpperInvariant()}";

    /// <summary>What <see cref="AdvisoryImages"/> holds for one digest (a set of <c>id + "\n" + member</c>), so a newer report removes exactly that.</summary>
    public static string ImageAdvisories(string digest) => $"{Prefix}adv-img:{digest}";

    /// <summary>Running workloads of one image digest (a set of workload entry JSON texts, written by the runtime inventory).</summary>
    public static string RunningImage(string digest) => $"{Prefix}run:img:{digest}";

    /// <summary>
    /// The version of each digest's <see cref="RunningImage"/> set (a hash: digest → a count raised by <c>HINCRBY</c>
    /// after every change of the set), so a reader holding a set re-reads only those whose version moved. Fields are
    /// never removed: a version that started again from 0 could repeat one a reader holds.
    /// </summary>
    public const string RunningImageVersions = Prefix + "run:ver";

    /// <summary>The pods (and admitted objects) the runtime inventory holds (a set of <c>namespace/name</c> keys): what a re-list reconciles.</summary>
    public const string RunningPods = Prefix + "run:pods";

    /// <summary>One pod's workload entries (JSON array of the exact texts added to <see cref="RunningImage"/>), so removal is exact.</summary>
    public static string RunningPod(string podKey) => $"{Prefix}run:pod:{podKey}";

    /// <summary>Present (with a TTL) while some policy replica's pod watch is synced: the admission feed then adds nothing.</summary>
    public const string InventoryWatchSynced = Prefix + "run:watch";

    /// <summary>Periodic snapshots of the running images' impact (a list of JSON snapshots, newest first, capped): the dashboard's charts.</summary>
    public const string ImpactHistory = Prefix + "impact:history";

    /// <summary>The audit stream of break-glass uses (written by admission, read by the dashboard).</summary>
    public const string BreakGlassAudit = Prefix + "audit:breakglass";
}
