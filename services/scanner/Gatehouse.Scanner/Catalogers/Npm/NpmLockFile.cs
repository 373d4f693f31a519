using System.Text.Json;
using Gatehouse.Scanner.Inventory;

namespace Gatehouse.Scanner.Catalogers.Npm;

/// <summary>
/// package-lock.json. v2/v3 use the flat <c>packages</c> map (keys are install paths; the root is
/// <c>""</c> and is reported as the application); v1 only has the nested <c>dependencies</c> tree and no
/// root entry. Following syft: <c>dev</c> packages are skipped (in v1 with everything nested under
/// them), <c>npm:</c> aliases resolve to the real name, and one name@version is reported once per file.
/// </summary>
internal static class NpmLockFile
{
    public static IEnumerable<Package> Parse(CatalogContext context, CapturedFile file, JsonElement root, JsonElement lockVersion)
    {
        if (lockVersion.ValueKind != JsonValueKind.Number || !lockVersion.TryGetInt32(out var version) || version is < 1 or > 3)
        {
            throw new FormatException($"unsupported lockfileVersion {lockVersion}");
        }
        var collected = new Collector(context, file);
        if (version >= 2 && root.TryGetProperty("packages", out var packages) && packages.ValueKind == JsonValueKind.Object)
        {
            ParseFlat(collected, packages);
        }
        else if (root.TryGetProperty("dependencies", out var dependencies) && dependencies.ValueKind == JsonValueKind.Object)
        {
            ParseTree(collected, dependencies, parentScopes: []);
        }
        return collected.Packages();
    }

    private static void ParseFlat(Collector collected, JsonElement packages)
    {
        var entries = packages.EnumerateObject()
            .Where(e => e.Value.ValueKind == JsonValueKind.Object)
            .ToDictionary(e => e.Name, e => e.Value, StringComparer.Ordinal);
        var keys = new Dictionary<string, string>(StringComparer.Ordinal); // install path -> package key
        foreach (var (path, entry) in entries)
        {
            if (NpmPackages.IsTrue(entry, "dev") || NpmPackages.IsTrue(entry, "link"))
            {
                continue;
            }
            var name = NpmPackages.GetString(entry, "name") ?? NameFromInstallPath(path);
            var version = NpmPackages.GetString(entry, "version");
            if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(version))
            {
                continue;
            }
            (name, version) = NpmPackages.ResolveAlias(name, version);
            keys[path] = collected.Add(name, version, NpmPackages.Licenses(entry), isRoot: path.Length == 0);
        }
        foreach (var (path, key) in keys)
        {
            foreach (var dependency in NpmPackages.DependencyNames(entries[path], "dependencies", "optionalDependencies", "peerDependencies"))
            {
                if (ResolveFlat(entries, path, dependency) is { } target && keys.TryGetValue(target, out var targetKey))
                {
                    collected.AddEdge(key, targetKey);
                }
            }
        }
    }

    /// <summary>Node's lookup over install paths: <c>a/node_modules/b</c>, then each enclosing
    /// <c>node_modules</c>, then the top. A workspace link is followed to the folder it points at.</summary>
    private static string? ResolveFlat(Dictionary<string, JsonElement> entries, string from, string dependency)
    {
        for (var scope = from; ; scope = ParentScope(scope))
        {
            var candidate = scope.Length == 0 ? $"node_modules/{dependency}" : $"{scope}/node_modules/{dependency}";
            if (entries.TryGetValue(candidate, out var entry))
            {
                return NpmPackages.IsTrue(entry, "link") && NpmPackages.GetString(entry, "resolved") is { } linked ? linked : candidate;
            }
            if (scope.Length == 0)
            {
                return null;
            }
        }
    }

    private static string ParentScope(string scope)
    {
        var index = scope.LastIndexOf("/node_modules/", StringComparison.Ordinal);
        return index < 0 ? "" : scope[..index];
    }

    private static string NameFromInstallPath(string path)
    {
        var index = path.LastIndexOf("node_modules/", StringComparison.Ordinal);
        return index < 0 ? "" : path[(index + "node_modules/".Length)..];
    }

    /// <summary>v1: each level's <c>dependencies</c> is a scope; <c>requires</c> resolves through the
    /// entry's own nested scope, then the enclosing ones.</summary>
    private static void ParseTree(Collector collected, JsonElement dependencies, IReadOnlyList<JsonElement> parentScopes)
    {
        IReadOnlyList<JsonElement> scopes = [dependencies, .. parentScopes];
        foreach (var dependency in dependencies.EnumerateObject())
        {
            var entry = dependency.Value;
            if (entry.ValueKind != JsonValueKind.Object || NpmPackages.IsTrue(entry, "dev"))
            {
                continue; // a dev entry takes its nested tree with it
            }
            if (NpmPackages.GetString(entry, "version") is not { Length: > 0 } rawVersion)
            {
                continue;
            }
            var (name, version) = NpmPackages.ResolveAlias(dependency.Name, rawVersion);
            var key = collected.Add(name, version, NpmPackages.Licenses(entry), isRoot: false);
            var nested = entry.TryGetProperty("dependencies", out var children) && children.ValueKind == JsonValueKind.Object ? children : (JsonElement?)null;
            IReadOnlyList<JsonElement> lookup = nested is { } own ? [own, .. scopes] : scopes;
            foreach (var required in NpmPackages.DependencyNames(entry, "requires"))
            {
                if (ResolveTree(lookup, required) is { } target)
                {
                    collected.AddEdge(key, target);
                }
            }
            if (nested is { } nestedScope)
            {
                ParseTree(collected, nestedScope, scopes);
            }
        }
    }

    private static string? ResolveTree(IReadOnlyList<JsonElement> scopes, string dependency)
    {
        foreach (var scope in scopes)
        {
            if (scope.TryGetProperty(dependency, out var entry) && entry.ValueKind == JsonValueKind.Object)
            {
                if (NpmPackages.IsTrue(entry, "dev") || NpmPackages.GetString(entry, "version") is not { Length: > 0 } version)
                {
                    return null;
                }
                var (name, resolved) = NpmPackages.ResolveAlias(dependency, version);
                return Collector.Key(name, resolved);
            }
        }
        return null;
    }

    /// <summary>Packages of one lock file keyed by name@version (so duplicates merge) plus their edges.</summary>
    private sealed class Collector(CatalogContext context, CapturedFile file)
    {
        private readonly Dictionary<string, Package> _packages = new(StringComparer.Ordinal);
        private readonly Dictionary<string, SortedSet<string>> _edges = new(StringComparer.Ordinal);

        public static string Key(string name, string version) => $"{name}@{version}";

        public string Add(string name, string version, IReadOnlyList<string> licenses, bool isRoot)
        {
            var key = Key(name, version);
            if (!_packages.ContainsKey(key) || isRoot)
            {
                _packages[key] = NpmPackages.Create(context, file, name, version, licenses, isRoot);
            }
            return key;
        }

        public void AddEdge(string from, string to)
        {
            if (from != to)
            {
                (_edges.TryGetValue(from, out var set) ? set : _edges[from] = new SortedSet<string>(StringComparer.Ordinal)).Add(to);
            }
        }

        public IEnumerable<Package> Packages() =>
            _packages.Select(p => _edges.TryGetValue(p.Key, out var targets)
                ? p.Value with { DependsOn = [.. targets.Where(_packages.ContainsKey).Select(t => _packages[t].Id)] }
                : p.Value);
    }
}
