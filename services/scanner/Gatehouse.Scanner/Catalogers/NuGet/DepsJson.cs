using System.Text.Json;
using Gatehouse.Scanner.CycloneDx;
using Gatehouse.Scanner.Inventory;

namespace Gatehouse.Scanner.Catalogers.NuGet;

/// <summary>
/// <c>App.deps.json</c>: <c>libraries</c> lists every library by <c>Name/Version</c> with its type
/// (<c>package</c>, <c>project</c>, <c>runtimepack</c>; <c>reference</c> assemblies are not packages);
/// <c>targets</c> holds the edges. The project named like the file is the application.
/// </summary>
internal static class DepsJson
{
    private static readonly HashSet<string> PackageTypes = new(StringComparer.OrdinalIgnoreCase) { "package", "project", "runtimepack" };

    public static IEnumerable<Package> Parse(CatalogContext context, CapturedFile file, JsonElement root)
    {
        var libraries = root.GetProperty("libraries");
        if (libraries.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("libraries is not an object");
        }
        var applicationName = PathMatch.FileName(file.Path).ToString()[..^".deps.json".Length];
        var packages = new Dictionary<string, Package>(StringComparer.OrdinalIgnoreCase); // "Name/Version"
        foreach (var library in libraries.EnumerateObject())
        {
            var type = library.Value.ValueKind == JsonValueKind.Object ? NuGetCataloger.GetString(library.Value, "type") ?? "" : "";
            if (!PackageTypes.Contains(type) || SplitKey(library.Name) is not var (name, version))
            {
                continue;
            }
            var properties = new Dictionary<string, string> { ["nuget:libraryType"] = type };
            if (NuGetCataloger.GetString(library.Value, "sha512") is { Length: > 0 } sha512)
            {
                properties["nuget:sha512"] = sha512;
            }
            if (NuGetCataloger.GetString(library.Value, "path") is { Length: > 0 } path)
            {
                properties["nuget:path"] = path;
            }
            if (type == "project" && string.Equals(name, applicationName, StringComparison.OrdinalIgnoreCase))
            {
                properties[BomPropertyNames.Role] = BomPropertyNames.ApplicationRole;
            }
            packages[library.Name] = NuGetCataloger.Create(context, file, name, version, properties);
        }
        return packages.Select(p => p.Value with { DependsOn = Edges(root, p.Key, packages) });
    }

    /// <summary>Dependencies of <paramref name="key"/> in the runtime target (or, without one, in every target).</summary>
    private static List<string> Edges(JsonElement root, string key, Dictionary<string, Package> packages)
    {
        var edges = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var target in Targets(root))
        {
            if (target.TryGetProperty(key, out var entry) && entry.ValueKind == JsonValueKind.Object)
            {
                foreach (var (name, version) in NuGetCataloger.StringMap(entry, "dependencies"))
                {
                    if (packages.TryGetValue($"{name}/{version}", out var dependency))
                    {
                        edges.Add(dependency.Id);
                    }
                }
            }
        }
        return [.. edges];
    }

    private static IEnumerable<JsonElement> Targets(JsonElement root)
    {
        if (!root.TryGetProperty("targets", out var targets) || targets.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }
        var runtimeTarget = root.TryGetProperty("runtimeTarget", out var rt) && rt.ValueKind == JsonValueKind.Object
            ? NuGetCataloger.GetString(rt, "name")
            : null;
        if (runtimeTarget is not null && targets.TryGetProperty(runtimeTarget, out var selected) && selected.ValueKind == JsonValueKind.Object)
        {
            yield return selected;
            yield break;
        }
        foreach (var target in targets.EnumerateObject().Where(t => t.Value.ValueKind == JsonValueKind.Object))
        {
            yield return target.Value;
        }
    }

    private static (string Name, string Version)? SplitKey(string key)
    {
        var slash = key.LastIndexOf('/');
        return slash > 0 && slash < key.Length - 1 ? (key[..slash], key[(slash + 1)..]) : null;
    }
}
