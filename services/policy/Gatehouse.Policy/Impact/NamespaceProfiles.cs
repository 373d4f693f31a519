using System.Collections.Concurrent;
using System.Text.Json;
using Gatehouse.Policy.Facts;
using Gatehouse.Policy.Sources;
using Gatehouse.ServiceDefaults.Store;
using k8s;

namespace Gatehouse.Policy.Impact;

/// <summary>
/// Which profiles govern a namespace: from its labels when the Kubernetes API can be asked (the truth, cached for a
/// minute); else the profiles admission last applied there (recorded from the admission feed); else the profiles whose
/// selector matches the label every namespace carries (<c>kubernetes.io/metadata.name</c>).
/// </summary>
public sealed class NamespaceProfiles(IKeyValueStore store, PolicySetHolder policies, TimeProvider time, IKubernetes? kubernetes = null)
{
    public const string NameLabel = "kubernetes.io/metadata.name";
    private static readonly TimeSpan LabelsTtl = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, (IReadOnlyDictionary<string, string>? Labels, DateTimeOffset At)> _labels = new(StringComparer.Ordinal);

    public static string Key(string @namespace) => $"{FactStore.Prefix}ns-profiles:{@namespace}";

    /// <summary>Records what admission applied (written only when it changed: admissions are frequent).</summary>
    public async Task RecordAsync(string @namespace, IReadOnlyList<string> profiles)
    {
        ArgumentException.ThrowIfNullOrEmpty(@namespace);
        ArgumentNullException.ThrowIfNull(profiles);
        var json = JsonSerializer.Serialize([.. profiles.Order(StringComparer.Ordinal)], ImpactJsonContext.Default.StringArray);
        if (await store.GetAsync(Key(@namespace)) != json) await store.SetAsync(Key(@namespace), json);
    }

    public async Task<IReadOnlyList<string>> GoverningAsync(string @namespace)
    {
        if (await LabelsAsync(@namespace) is { } labels) return [.. policies.Current.ForNamespace(labels).Select(p => p.Profile)];
        if (await store.GetAsync(Key(@namespace)) is { } json)
        {
            try
            {
                if (JsonSerializer.Deserialize(json, ImpactJsonContext.Default.StringArray) is { } recorded) return recorded;
            }
            catch (JsonException)
            {
                // Unreadable: fall back to the selectors, as for a namespace admission never reported.
            }
        }
        var nameOnly = new Dictionary<string, string>(StringComparer.Ordinal) { [NameLabel] = @namespace };
        return [.. policies.Current.ForNamespace(nameOnly).Select(p => p.Profile)];
    }

    /// <summary>The namespace's labels from the API, or null when there is no API or it would not tell (no permission, gone).</summary>
    private async Task<IReadOnlyDictionary<string, string>?> LabelsAsync(string @namespace)
    {
        if (kubernetes is null) return null;
        var now = time.GetUtcNow();
        if (_labels.TryGetValue(@namespace, out var cached) && now - cached.At < LabelsTtl) return cached.Labels;
        IReadOnlyDictionary<string, string>? labels;
        try
        {
            var found = await kubernetes.CoreV1.ReadNamespaceAsync(@namespace);
            labels = new Dictionary<string, string>(found.Metadata?.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal)
            {
                [NameLabel] = @namespace,
            };
        }
        catch (Exception)
        {
            // No permission, no such namespace, an unreachable or odd API server: the other sources answer instead,
            // and the labels are asked again after the TTL. Impact must never fail a decision.
            labels = null;
        }
        if (_labels.Count > 10_000) _labels.Clear();
        _labels[@namespace] = (labels, now);
        return labels;
    }
}
