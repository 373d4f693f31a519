using System.Text.Json;
using Gatehouse.Scanner.Inventory;

namespace Gatehouse.Scanner.Catalogers.NuGet;

/// <summary>
/// NuGet <c>packages.lock.json</c>: per target framework, each package with its <c>type</c>
/// (Direct, Transitive, CentralTransitive, Project), <c>resolved</c> version and dependencies by name.
/// A package locked for several frameworks at the same version is reported once.
/// </summary>
internal static class PackagesLockJson
{
    public static IEnumerable<Package> Parse(CatalogContext context, CapturedFile file, JsonElement frameworks)
    {
        var packages = new Dictionary<string, Package>(StringComparer.OrdinalIgnoreCase); // name@version
        var edges = new Dictionary<string, SortedSet<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var framework in frameworks.EnumerateObject().Where(f => f.Value.ValueKind == JsonValueKind.Object))
        {
            var resolved = framework.Value.EnumerateObject()
                .Where(p => p.Value.ValueKind == JsonValueKind.Object && NuGetCataloger.GetString(p.Value, "resolved") is { Length: > 0 })
                .ToDictionary(p => p.Name, p => NuGetCataloger.GetString(p.Value, "resolved")!, StringComparer.OrdinalIgnoreCase);
            foreach (var entry in framework.Value.EnumerateObject())
            {
                if (!resolved.TryGetValue(entry.Name, out var version))
                {
                    continue; // project references carry no resolved version
                }
                var key = $"{entry.Name}@{version}";
                if (!packages.ContainsKey(key))
                {
                    var properties = new Dictionary<string, string>();
                    if (NuGetCataloger.GetString(entry.Value, "type") is { Length: > 0 } type)
                    {
                        properties["nuget:dependencyType"] = type;
                    }
                    if (NuGetCataloger.GetString(entry.Value, "contentHash") is { Length: > 0 } hash)
                    {
                        properties["nuget:contentHash"] = hash;
                    }
                    packages[key] = NuGetCataloger.Create(context, file, entry.Name, version, properties);
                    edges[key] = new SortedSet<string>(StringComparer.Ordinal);
                }
                foreach (var (dependency, _) in NuGetCataloger.StringMap(entry.Value, "dependencies"))
                {
                    if (resolved.TryGetValue(dependency, out var dependencyVersion))
                    {
                        edges[key].Add($"{dependency}@{dependencyVersion}");
                    }
                }
            }
        }
        return packages.Select(p => p.Value with
        {
            DependsOn = [.. edges[p.Key].Where(packages.ContainsKey).Select(k => packages[k].Id).Order(StringComparer.Ordinal)],
        });
    }
}
