using System.Collections.Concurrent;
using System.Collections.Frozen;
using Gatehouse.Policy.Model;
using Microsoft.Extensions.Options;

namespace Gatehouse.Admission.Profiles;

/// <summary>
/// Namespace → profiles, precomputed for every known namespace whenever labels or policies change; a namespace
/// not seen yet is resolved once from the labels Kubernetes gives every namespace (its name) and remembered
/// until the next change. The hot path never evaluates a selector twice.
/// </summary>
public sealed class ProfileDirectory : IAdmissionProfiles, IDisposable
{
    /// <summary>The label the API server puts on every namespace (since Kubernetes 1.21).</summary>
    public const string NameLabel = "kubernetes.io/metadata.name";

    private readonly NamespaceLabels _labels;
    private readonly IPolicySetSource _policies;
    private readonly string _defaultProfile;
    private Snapshot _snapshot;

    public ProfileDirectory(NamespaceLabels labels, IPolicySetSource policies, IOptions<AdmissionOptions> options)
    {
        _labels = labels;
        _policies = policies;
        _defaultProfile = options.Value.DefaultProfile;
        _snapshot = Build();
        _labels.Changed += Rebuild;
        _policies.Changed += Rebuild;
    }

    public IReadOnlyList<AdmissionProfile> ForNamespace(string namespaceName)
    {
        var snapshot = Volatile.Read(ref _snapshot);
        if (snapshot.Known.TryGetValue(namespaceName, out var profiles)) return profiles;
        if (snapshot.Unseen.TryGetValue(namespaceName, out profiles)) return profiles;
        profiles = snapshot.Resolve(new Dictionary<string, string> { [NameLabel] = namespaceName });
        // Bounded: names come from requests; past the bound they are resolved each time, still without I/O.
        if (snapshot.Unseen.Count < 10_000) snapshot.Unseen.TryAdd(namespaceName, profiles);
        return profiles;
    }

    /// <summary>Every profile in force, by name.</summary>
    public IReadOnlyDictionary<string, AdmissionProfile> Profiles => Volatile.Read(ref _snapshot).ByName;

    public void Dispose()
    {
        _labels.Changed -= Rebuild;
        _policies.Changed -= Rebuild;
    }

    private void Rebuild() => Volatile.Write(ref _snapshot, Build());

    private Snapshot Build()
    {
        var set = _policies.Current;
        var byName = set.Policies.ToFrozenDictionary(p => p.Profile, p => new AdmissionProfile(p), StringComparer.Ordinal);
        AdmissionProfile[] fallback = _defaultProfile.Length == 0 ? []
            : [byName.TryGetValue(_defaultProfile, out var named) ? named : AdmissionProfile.Strict(_defaultProfile)];
        var snapshot = new Snapshot(set, byName, fallback);
        foreach (var (name, labels) in _labels.Snapshot)
        {
            var withName = labels.ContainsKey(NameLabel) ? labels : new Dictionary<string, string>(labels) { [NameLabel] = name };
            snapshot.KnownBuilder[name] = snapshot.Resolve(withName);
        }
        snapshot.Freeze();
        return snapshot;
    }

    private sealed class Snapshot(PolicySet set, FrozenDictionary<string, AdmissionProfile> byName, AdmissionProfile[] fallback)
    {
        public Dictionary<string, AdmissionProfile[]> KnownBuilder { get; } = new(StringComparer.Ordinal);

        public FrozenDictionary<string, AdmissionProfile[]> Known { get; private set; } = FrozenDictionary<string, AdmissionProfile[]>.Empty;

        public ConcurrentDictionary<string, AdmissionProfile[]> Unseen { get; } = new(StringComparer.Ordinal);

        public FrozenDictionary<string, AdmissionProfile> ByName => byName;

        public void Freeze() => Known = KnownBuilder.ToFrozenDictionary(StringComparer.Ordinal);

        public AdmissionProfile[] Resolve(IReadOnlyDictionary<string, string> labels)
        {
            var selected = set.ForNamespace(labels);
            return selected.Count == 0 ? fallback : [.. selected.Select(p => byName[p.Profile])];
        }
    }
}
