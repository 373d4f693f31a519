namespace Gatehouse.Policy.Model;

/// <summary>
/// One <c>ImagePolicy</c> resource (<c>gatehouse.dev/v1alpha1</c>): a named profile with the rules images must
/// meet in the namespaces it selects. Instances come only from <see cref="ImagePolicyReader"/>, so every one
/// is valid. Cluster-scoped: a profile governs namespaces, it does not live in one.
/// </summary>
public sealed record ImagePolicy(PolicyMetadata Metadata, ImagePolicySpec Spec, string Fingerprint)
{
    public const string Group = "gatehouse.dev";
    public const string Version = "v1alpha1";
    public const string ApiVersion = Group + "/" + Version;
    public const string Kind = "ImagePolicy";
    public const string Plural = "imagepolicies";

    public string Profile => Spec.Profile;

    /// <summary>
    /// The profile's policy generation as decisions carry it: derived from <see cref="Fingerprint"/>, so equal
    /// content gives the same number on every replica and any change (including resolved keys) a new one.
    /// Positive and below 2^53, so it survives JSON readers that use doubles.
    /// </summary>
    public long Generation => PolicyFingerprint.ToGeneration(Fingerprint);
}

/// <param name="Generation">The API server's <c>metadata.generation</c> when loaded from Kubernetes (informational).</param>
public sealed record PolicyMetadata(
    string Name,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    string? Uid,
    string? ResourceVersion,
    long? Generation);

/// <summary>The rules of one profile. Absent sections are not checked.</summary>
public sealed record ImagePolicySpec
{
    /// <summary>Profile name (a DNS label): decisions are stored per profile and digest.</summary>
    public required string Profile { get; init; }

    /// <summary>Namespaces this profile governs. Null selects none (the profile is used by name only);
    /// an empty selector selects every namespace, as in Kubernetes.</summary>
    public LabelSelector? NamespaceSelector { get; init; }

    public PolicyMode Mode { get; init; } = PolicyMode.Enforce;

    /// <summary>Approved <c>registry/repository</c> globs; empty means any registry.</summary>
    public IReadOnlyList<RegistryPattern> Registries { get; init; } = [];

    /// <summary>References must name a digest (admission pins tags it can resolve).</summary>
    public bool RequireDigest { get; init; }

    public SignaturePolicy? Signatures { get; init; }

    public VulnerabilityPolicy? Vulnerabilities { get; init; }

    public BaseImagePolicy? BaseImages { get; init; }

    /// <summary>What to do with an image (or a facet of it) not analysed yet.</summary>
    public UnknownImageAction UnknownImages { get; init; } = UnknownImageAction.DenyAndScan;

    /// <summary>What admission does when it can reach neither its L1 nor the decision cache in time.</summary>
    public FailureMode FailureMode { get; init; } = FailureMode.Deny;

    /// <summary>Null: break-glass is not allowed in this profile.</summary>
    public BreakGlassPolicy? BreakGlass { get; init; }

    /// <summary>An image this profile allows is signed and attested (SBOM, vulnerability report) by the signer.</summary>
    public bool Promote { get; init; }
}

/// <summary>Signature authorities: any one of them, or all of them, must have signed the digest.</summary>
public sealed record SignaturePolicy(SignatureMatch Match, IReadOnlyList<SignatureAuthority> Authorities);

/// <summary>One trusted signer: a keyless identity or a public key (exactly one is set).</summary>
/// <param name="Name">For messages; defaults to <c>authority-N</c>.</param>
public sealed record SignatureAuthority(string Name, KeylessAuthority? Keyless, KeyAuthority? Key)
{
    /// <summary>How a developer would recognise it: "subject …, issuer …" or "key sha256:…".</summary>
    public string Describe() => Keyless is { } k
        ? $"subject {k.Subject.Describe()} from issuer {k.Issuer.Describe()}"
        : $"key {Key!.KeyId}";
}

/// <summary>Fulcio certificate identity: subject (SAN) and OIDC issuer, each exact or a fully anchored regex.</summary>
public sealed record KeylessAuthority(IdentityMatcher Subject, IdentityMatcher Issuer);

/// <param name="PublicKeyPem">The PEM text (from the policy, or resolved from <see cref="SecretRef"/>).</param>
/// <param name="KeyId"><c>sha256:&lt;hex&gt;</c> of the DER SubjectPublicKeyInfo; the signer reports verified keys the same way.</param>
public sealed record KeyAuthority(string PublicKeyPem, string KeyId, SecretKeyReference? SecretRef);

/// <summary>A public key kept in a Kubernetes Secret (resolved only by the Kubernetes loader).</summary>
public sealed record SecretKeyReference(string Name, string? Namespace, string Key)
{
    public const string DefaultKey = "cosign.pub";
}

/// <param name="DenySeverity">Findings at or above it deny; null: findings never deny (scan age still applies).</param>
/// <param name="OnlyFixable">Deny only findings with a known fixed version.</param>
/// <param name="MaxScanAge">Findings older than this deny (and bound how long a decision stays valid).</param>
public sealed record VulnerabilityPolicy(
    VulnerabilitySeverity? DenySeverity,
    bool OnlyFixable,
    TimeSpan? MaxScanAge,
    IReadOnlyList<VulnerabilityException> Allow);

/// <summary>A CVE (or any advisory id or alias) accepted until <see cref="Expires"/>, for a stated reason.</summary>
public sealed record VulnerabilityException(string Id, DateTimeOffset Expires, string Reason)
{
    /// <summary>"the end of 2026-06-30" for a date (stored as the next midnight UTC), else "2026-06-30 18:00Z".</summary>
    public static string DescribeExpiry(DateTimeOffset expires)
    {
        var utc = expires.ToUniversalTime();
        return utc.TimeOfDay == TimeSpan.Zero
            ? $"the end of {utc.AddDays(-1):yyyy-MM-dd}"
            : $"{utc:yyyy-MM-dd HH:mm}Z";
    }
}

/// <summary>Approved bases: an image complies when its layer list starts with one base's layers.</summary>
public sealed record BaseImagePolicy(IReadOnlyList<ApprovedBaseImage> Approved, DriftAction Drift);

/// <param name="Layers">Layer digests (compressed digest or uncompressed diff id), bottom first.</param>
public sealed record ApprovedBaseImage(string Name, IReadOnlyList<string> Layers);

/// <summary>Who may override a deny with the break-glass annotation, for how long, and whether a ticket is required.</summary>
public sealed record BreakGlassPolicy(
    IReadOnlyList<string> AllowedGroups,
    IReadOnlyList<string> AllowedUsers,
    TimeSpan MaxDuration,
    bool TicketRequired)
{
    public bool Allows(string? user, IEnumerable<string> groups) =>
        (user is not null && AllowedUsers.Contains(user, StringComparer.Ordinal)) ||
        groups.Any(g => AllowedGroups.Contains(g, StringComparer.Ordinal));
}
