using System.Text.Json;
using Gatehouse.Scanner.CycloneDx;
using Gatehouse.Scanner.Inventory;

namespace Gatehouse.Scanner.Catalogers.Npm;

/// <summary>What installed packages and lock entries share: purls, licence shapes, aliases.</summary>
internal static class NpmPackages
{
    public static Package Create(CatalogContext context, CapturedFile file, string name, string version, IReadOnlyList<string> licenses, bool isRoot = false) =>
        new()
        {
            Name = name,
            Version = version,
            Type = "npm",
            Purl = Purl(name, version),
            Location = context.Locate(file),
            Licenses = licenses,
            Properties = isRoot
                ? new Dictionary<string, string> { [BomPropertyNames.Role] = BomPropertyNames.ApplicationRole }
                : new Dictionary<string, string>(),
        };

    /// <summary><c>pkg:npm/%40scope/name@version</c>: the scope is the purl namespace.</summary>
    public static string Purl(string name, string version)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        return name.StartsWith('@') && slash > 0
            ? PackageUrl.Create("npm", name[..slash], name[(slash + 1)..], version)
            : PackageUrl.Create("npm", null, name, version);
    }

    /// <summary>An alias entry (<c>"version": "npm:real-name@1.2.3"</c>) is the real package.</summary>
    public static (string Name, string Version) ResolveAlias(string name, string version)
    {
        if (!version.StartsWith("npm:", StringComparison.Ordinal))
        {
            return (name, version);
        }
        var spec = version["npm:".Length..];
        var at = spec.LastIndexOf('@');
        return at > 0 ? (spec[..at], spec[(at + 1)..]) : (spec, "");
    }

    /// <summary>npm's licence shapes: <c>"license": "MIT"</c>, <c>{"type": "MIT"}</c>, an array of either,
    /// and the deprecated <c>"licenses": [{"type": …}]</c>.</summary>
    public static IReadOnlyList<string> Licenses(JsonElement package)
    {
        var licenses = new List<string>();
        foreach (var property in new[] { "license", "licenses" })
        {
            if (package.TryGetProperty(property, out var value))
            {
                Collect(value, licenses);
            }
        }
        return licenses;
    }

    private static void Collect(JsonElement value, List<string> into)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String when value.GetString() is { Length: > 0 } text:
                into.Add(text);
                break;
            case JsonValueKind.Object when value.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String:
                Collect(type, into);
                break;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    Collect(item, into);
                }
                break;
        }
    }

    public static string? GetString(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static bool IsTrue(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.True;

    /// <summary>Names of <c>dependencies</c> and <c>optionalDependencies</c> (the ones installed for production).</summary>
    public static IEnumerable<string> DependencyNames(JsonElement package, params string[] properties)
    {
        foreach (var property in properties)
        {
            if (package.TryGetProperty(property, out var map) && map.ValueKind == JsonValueKind.Object)
            {
                foreach (var dependency in map.EnumerateObject())
                {
                    yield return dependency.Name;
                }
            }
        }
    }
}
