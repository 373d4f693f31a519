using System.Text.Json.Serialization;
using Gatehouse.Scanner.Advisories.Ecosystems;
using Gatehouse.Scanner.Advisories.Matching;
using Gatehouse.Scanner.CycloneDx;

namespace Gatehouse.Scanner.Vulnerabilities;

/// <summary>A package to match: the query, and where in the image its metadata was found (for SARIF locations).</summary>
public sealed record SbomPackage(PackageQuery Query, IReadOnlyList<string> Locations);

/// <summary>A component that was not matched, and why.</summary>
/// <param name="NotEvaluated">True when advisories may well exist but could not be applied (an OS package whose
/// distro release is unknown, a package without a version); false when no advisory database covers its kind.</param>
public sealed record UnevaluatedPackage(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("version")] string? Version,
    [property: JsonPropertyName("purl")] string? Purl,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("notEvaluated")] bool NotEvaluated);

/// <summary>
/// Turns SBOM components into match queries: the purl gives ecosystem, name, version and (from the <c>distro</c>
/// qualifier) the release; the Gatehouse source-package properties give the source package and version distro
/// advisories are filed under (falling back to Syft's <c>upstream</c> qualifier for foreign SBOMs). Components with
/// the same purl and source are matched once, with all their locations.
/// </summary>
public static class SbomPackages
{
    public static (IReadOnlyList<SbomPackage> Packages, IReadOnlyList<UnevaluatedPackage> Unevaluated) Read(Bom bom, EcosystemRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(bom);
        registry ??= EcosystemRegistry.BuiltIn;
        var packages = new Dictionary<(string Purl, string? Source, string? SourceVersion), (PackageQuery Query, List<string> Locations)>();
        var unevaluated = new List<UnevaluatedPackage>();
        foreach (var component in bom.Components ?? [])
        {
            if (component.Type is BomComponentType.OperatingSystem or BomComponentType.Container)
            {
                continue;
            }
            if (string.IsNullOrWhiteSpace(component.Purl))
            {
                unevaluated.Add(new(component.Name, component.Version, null, "the component has no purl", false));
                continue;
            }

            var sourceName = Property(component, BomPropertyNames.SourceName);
            var sourceVersion = Property(component, BomPropertyNames.SourceVersion);
            if (!PackageQuery.TryFromPurl(component.Purl, out var query, out var error, sourceName, sourceVersion, registry))
            {
                // A known ecosystem whose purl lacks a version could have advisories; an unknown kind has none.
                var known = PackageUrlText.TryParse(component.Purl, out var parsed) && parsed is not null
                    && registry.TryFindByPurl(parsed.Type, parsed.Namespace, out _);
                unevaluated.Add(new(component.Name, component.Version, component.Purl, error, known));
                continue;
            }
            if (registry.TryFind(query.Ecosystem, out var ecosystem, out var release) && ecosystem.IsOperatingSystem && string.IsNullOrEmpty(release))
            {
                unevaluated.Add(new(component.Name, component.Version, component.Purl,
                    $"the {ecosystem.Name} release is unknown (no distro qualifier), so its advisories cannot be chosen", true));
                continue;
            }

            var key = (component.Purl, query.SourceName, query.SourceVersion);
            if (!packages.TryGetValue(key, out var entry))
            {
                packages[key] = entry = (query, []);
            }
            if (Property(component, BomPropertyNames.LocationPath) is { } path && !entry.Locations.Contains(path))
            {
                entry.Locations.Add(path);
            }
        }

        return ([.. packages.Values.Select(p => new SbomPackage(p.Query, p.Locations))], unevaluated);
    }

    private static string? Property(BomComponent component, string name) =>
        component.Properties?.FirstOrDefault(p => p.Name == name)?.Value is { Length: > 0 } value ? value : null;
}
