using System.Text.Json;
using Gatehouse.Policy.Facts;
using Gatehouse.Policy.Sources;
using Gatehouse.ServiceDefaults.Store;

namespace Gatehouse.Policy.Impact;

/// <summary>
/// Which profiles govern a namespace, as far as the policy service can know without namespace labels: the
/// profiles admission last applied there (recorded from the admission feed, the authority on it), else the
/// profiles whose selector matches the label every namespace carries (<c>kubernetes.io/metadata.name</c>).
/// </summary>
public sealed class NamespaceProfiles(IKeyValueStore store, PolicySetHolder policies)
{
    public const string NameLabel = "kubernetes.io/metadata.name";

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
        var labels = new Dictionary<string, string>(StringComparer.Ordinal) { [NameLabel] = @namespace };
        return [.. policies.Current.ForNamespace(labels).Select(p => p.Profile)];
    }
}
