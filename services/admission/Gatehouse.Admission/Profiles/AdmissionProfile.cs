using System.Collections.Concurrent;
using Gatehouse.Policy.Model;

namespace Gatehouse.Admission.Profiles;

/// <summary>
/// The admission side of one ImagePolicy profile: what the webhook checks locally (registries, digest pinning),
/// how it treats unknown images and an unreachable store, its mode and its break-glass rules. Signature,
/// vulnerability and base-image rules are not here: policy evaluates them ahead of time into decision records.
/// </summary>
public sealed class AdmissionProfile
{
    private const int ApprovalCacheSize = 10_000;
    private readonly ConcurrentDictionary<string, bool> _approved = new(StringComparer.Ordinal);

    public AdmissionProfile(ImagePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        Policy = policy;
        ApprovedList = string.Join(", ", policy.Spec.Registries.Select(r => r.Pattern));
    }

    public ImagePolicy Policy { get; }

    public string Name => Policy.Spec.Profile;

    public PolicyMode Mode => Policy.Spec.Mode;

    public bool RequireDigest => Policy.Spec.RequireDigest;

    public UnknownImageAction UnknownImages => Policy.Spec.UnknownImages;

    public FailureMode FailureMode => Policy.Spec.FailureMode;

    /// <summary>Null: break-glass is not allowed in this profile.</summary>
    public BreakGlassPolicy? BreakGlass => Policy.Spec.BreakGlass;

    /// <summary>The approved registry patterns, for messages ("ghcr.io/acme/**, docker.io/library/*").</summary>
    public string ApprovedList { get; }

    /// <summary>Whether the profile's registry globs approve a reference; remembered per repository (few are in use).</summary>
    /// <param name="fullName"><c>registry/repository</c> of a normalized reference.</param>
    public bool Approves(string fullName)
    {
        var registries = Policy.Spec.Registries;
        if (registries.Count == 0) return true;
        if (_approved.TryGetValue(fullName, out var approved)) return approved;
        approved = registries.Any(r => r.Matches(fullName));
        if (_approved.Count >= ApprovalCacheSize) _approved.Clear();
        _approved.TryAdd(fullName, approved);
        return approved;
    }

    /// <summary>
    /// The profile used when <see cref="AdmissionOptions.DefaultProfile"/> names a profile no policy defines: safe by
    /// default (enforce, deny unknown images, fail closed, no break-glass).
    /// </summary>
    public static AdmissionProfile Strict(string name) => new(new ImagePolicy(
        new PolicyMetadata(name, new Dictionary<string, string>(), new Dictionary<string, string>(), null, null, null),
        new ImagePolicySpec { Profile = name },
        "built-in-strict"));
}
