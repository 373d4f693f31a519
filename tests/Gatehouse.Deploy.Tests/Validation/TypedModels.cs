using System.Reflection;
using System.Text.Json.Nodes;
using Gatehouse.Deploy.Tests.Rendering;
using k8s;
using k8s.Models;

namespace Gatehouse.Deploy.Tests.Validation;

/// <summary>
/// Loads a rendered object into KubernetesClient's typed model for its apiVersion and kind, strictly: an unknown
/// field (a typo, a field of another version) throws. A round trip back to JSON then proves that no field was
/// dropped on the way (e.g. by a model that accepts a field but does not keep it).
/// </summary>
public static class TypedModels
{
    private static readonly Dictionary<(string ApiVersion, string Kind), Type> Types = typeof(V1Deployment).Assembly.GetTypes()
        .Select(t => (Type: t, Entity: t.GetCustomAttribute<KubernetesEntityAttribute>()))
        .Where(x => x.Entity is { Kind.Length: > 0 } && !x.Entity.Kind.EndsWith("List", StringComparison.Ordinal))
        .GroupBy(x => (ApiVersionOf(x.Entity!), x.Entity!.Kind))
        .ToDictionary(g => g.Key, g => g.First().Type);

    private static readonly MethodInfo StrictDeserialize = typeof(KubernetesYaml).GetMethods()
        .Single(m => m.Name == nameof(KubernetesYaml.Deserialize) && m.GetParameters() is [{ ParameterType: var p }, { ParameterType: var s }]
                     && p == typeof(string) && s == typeof(bool));

    private static string ApiVersionOf(KubernetesEntityAttribute entity) =>
        string.IsNullOrEmpty(entity.Group) ? entity.ApiVersion : $"{entity.Group}/{entity.ApiVersion}";

    public static Type? ModelFor(Manifest manifest) => Types.GetValueOrDefault((manifest.ApiVersion, manifest.Kind));

    /// <summary>The typed object; throws when a field is unknown to the model or lost in the round trip.</summary>
    public static object Load(Manifest manifest)
    {
        var type = ModelFor(manifest) ?? throw new InvalidOperationException($"{manifest}: no typed model for {manifest.ApiVersion} {manifest.Kind}");
        object typed;
        try
        {
            // JSON is YAML: the strict YAML path of KubernetesYaml rejects properties the model does not declare.
            typed = StrictDeserialize.MakeGenericMethod(type).Invoke(null, [manifest.Json.ToJsonString(), true])!;
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw new InvalidOperationException($"{manifest}: does not load as {type.Name}: {ex.InnerException.Message}", ex.InnerException);
        }
        var back = JsonNode.Parse(KubernetesJson.Serialize(typed))!;
        var lost = MissingPaths(manifest.Json, back, "").ToList();
        if (lost.Count > 0) throw new InvalidOperationException($"{manifest}: fields lost loading as {type.Name}: {string.Join(", ", lost)}");
        return typed;
    }

    /// <summary>Paths present in <paramref name="source"/> but absent from <paramref name="copy"/>.</summary>
    public static IEnumerable<string> MissingPaths(JsonNode? source, JsonNode? copy, string path)
    {
        switch (source)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    var child = $"{path}.{key}";
                    if (copy is not JsonObject other || !other.ContainsKey(key))
                    {
                        // An explicit null or empty object may be omitted when serialized; neither carries meaning here.
                        if (value is null || value is JsonObject { Count: 0 }) continue;
                        yield return child;
                        continue;
                    }
                    foreach (var missing in MissingPaths(value, other[key], child)) yield return missing;
                }
                break;
            case JsonArray array:
                if (copy is not JsonArray copied || copied.Count != array.Count)
                {
                    yield return path + "[]";
                    yield break;
                }
                for (var i = 0; i < array.Count; i++)
                {
                    foreach (var missing in MissingPaths(array[i], copied[i], $"{path}[{i}]")) yield return missing;
                }
                break;
        }
    }
}
