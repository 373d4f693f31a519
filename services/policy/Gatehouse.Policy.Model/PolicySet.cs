namespace Gatehouse.Policy.Model;

/// <summary>
/// The policies in force, one per profile, as an immutable snapshot. <see cref="Generation"/> counts changes
/// within the process that loaded it (it is bumped whenever any profile changes); decisions carry the
/// per-profile <see cref="ImagePolicy.Generation"/>, which every replica computes alike.
/// </summary>
public sealed class PolicySet
{
    private readonly Dictionary<string, ImagePolicy> _byProfile;

    public PolicySet(long generation, IEnumerable<ImagePolicy> policies)
    {
        ArgumentNullException.ThrowIfNull(policies);
        Generation = generation;
        Policies = [.. policies.OrderBy(p => p.Profile, StringComparer.Ordinal)];
        _byProfile = new Dictionary<string, ImagePolicy>(StringComparer.Ordinal);
        foreach (var policy in Policies)
        {
            if (!_byProfile.TryAdd(policy.Profile, policy))
                throw new ArgumentException($"profile '{policy.Profile}' is defined more than once", nameof(policies));
        }
    }

    public static PolicySet Empty { get; } = new(0, []);

    public long Generation { get; }

    /// <summary>Ordered by profile name.</summary>
    public IReadOnlyList<ImagePolicy> Policies { get; }

    public IEnumerable<string> Profiles => Policies.Select(p => p.Profile);

    public ImagePolicy? Find(string profile) => _byProfile.GetValueOrDefault(profile);

    /// <summary>
    /// The profiles whose namespace selector matches a namespace's labels, ordered by profile name. Every one
    /// of them applies (admission admits only what all of them admit), so overlapping selectors can only make
    /// admission stricter, never looser. Empty: no profile governs the namespace.
    /// </summary>
    public IReadOnlyList<ImagePolicy> ForNamespace(IReadOnlyDictionary<string, string> namespaceLabels)
    {
        ArgumentNullException.ThrowIfNull(namespaceLabels);
        return [.. Policies.Where(p => p.Spec.NamespaceSelector?.Matches(namespaceLabels) == true)];
    }

    /// <summary>The next snapshot: the same generation when nothing changed, else one more.</summary>
    public PolicySet With(IEnumerable<ImagePolicy> policies)
    {
        var next = new PolicySet(Generation + 1, policies);
        return next.SameContentAs(this) ? this : next;
    }

    /// <summary>Profiles added, removed or changed between two snapshots.</summary>
    public IReadOnlyList<string> ChangedProfiles(PolicySet previous)
    {
        ArgumentNullException.ThrowIfNull(previous);
        return [.. Profiles.Union(previous.Profiles, StringComparer.Ordinal)
            .Where(p => Find(p)?.Fingerprint != previous.Find(p)?.Fingerprint)
            .Order(StringComparer.Ordinal)];
    }

    private bool SameContentAs(PolicySet other) =>
        Policies.Count == other.Policies.Count && ChangedProfiles(other).Count == 0 &&
        Policies.Zip(other.Policies).All(pair => pair.First.Metadata.Name == pair.Second.Metadata.Name);
}
