using System.Globalization;
using Gatehouse.Scanner.Distro;
using Gatehouse.Scanner.Inventory;

namespace Gatehouse.Scanner.CycloneDx;

/// <summary>
/// Maps an image inventory to a CycloneDX 1.6 BOM. Everything is ordered (components by purl, then path,
/// then bom-ref; dependencies by ref; properties in a fixed order), so the same inventory and
/// <see cref="SbomStamp"/> give byte-identical JSON.
/// </summary>
public static partial class CycloneDxSbomBuilder
{
    public static Bom Build(
        SbomImage image,
        DistroInfo? distro,
        IReadOnlyList<Package> packages,
        IReadOnlyList<InventoryProblem> problems,
        SbomTool tool,
        SbomStamp stamp)
    {
        var ordered = packages
            .OrderBy(p => p.Purl, StringComparer.Ordinal)
            .ThenBy(p => p.Location.Path, StringComparer.Ordinal)
            .ThenBy(p => p.Id, StringComparer.Ordinal)
            .ToList();
        var bomRefs = AssignBomRefs(ordered);

        var components = new List<BomComponent>(ordered.Count + 1);
        if (distro is not null)
        {
            components.Add(OperatingSystem(distro));
        }
        components.AddRange(ordered.Select(p => Component(p, bomRefs[p])));

        return new Bom
        {
            SerialNumber = stamp.Urn,
            Metadata = new BomMetadata
            {
                Timestamp = stamp.Timestamp,
                Tools = new BomTools { Components = [Tool(tool)] },
                Component = ImageComponent(image),
                Properties = NullIfEmpty([.. LayerProperties(image.Layers), .. ProblemProperties(problems)]),
            },
            Components = components,
            Dependencies = NullIfEmpty(Dependencies(ordered, bomRefs)),
        };
    }

    /// <summary>bom-ref is the package id (purl|path by default); a repeat within one file gets <c>#n</c>.</summary>
    private static Dictionary<Package, string> AssignBomRefs(List<Package> ordered)
    {
        var refs = new Dictionary<Package, string>(ReferenceEqualityComparer.Instance);
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var package in ordered)
        {
            var candidate = package.Id;
            for (var n = 2; !used.Add(candidate); n++)
            {
                candidate = $"{package.Id}#{n}";
            }
            refs[package] = candidate;
        }
        return refs;
    }

    private static BomComponent Component(Package package, string bomRef)
    {
        var (group, name) = SplitGroup(package);
        var isApplication = package.Properties.TryGetValue(BomPropertyNames.Role, out var role) && role == BomPropertyNames.ApplicationRole;
        return new BomComponent
        {
            Type = isApplication ? BomComponentType.Application : BomComponentType.Library,
            BomRef = bomRef,
            Group = group,
            Name = name,
            Version = package.Version.Length == 0 ? null : package.Version,
            Licenses = BomLicenses.FromDeclared(package.Licenses),
            Purl = package.Purl,
            Properties = NullIfEmpty(PackageProperties(package)),
        };
    }

    // Maven names are "groupId:artifactId" in the inventory (as OSV spells them); CycloneDX has a group field.
    private static (string? Group, string Name) SplitGroup(Package package)
    {
        if (package.Type == "maven")
        {
            var colon = package.Name.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && colon < package.Name.Length - 1)
            {
                return (package.Name[..colon], package.Name[(colon + 1)..]);
            }
        }
        return (null, package.Name);
    }

    private static List<BomProperty> PackageProperties(Package package)
    {
        var location = package.Location;
        var properties = new List<BomProperty>();
        Add(properties, BomPropertyNames.Cataloger, package.FoundBy);
        Add(properties, BomPropertyNames.LocationPath, location.Path);
        Add(properties, BomPropertyNames.LocationLayer, location.LayerIndex.ToString(CultureInfo.InvariantCulture));
        Add(properties, BomPropertyNames.LocationLayerDigest, location.LayerDigest);
        Add(properties, BomPropertyNames.LocationDiffId, location.DiffId);
        Add(properties, BomPropertyNames.SourceName, package.Source?.Name);
        Add(properties, BomPropertyNames.SourceVersion, package.Source?.Version);
        Add(properties, BomPropertyNames.Architecture, package.Architecture);
        foreach (var (key, value) in package.Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Add(properties, BomPropertyNames.ForPackageProperty(key), value);
        }
        return properties;
    }

    private static BomComponent OperatingSystem(DistroInfo distro)
    {
        var properties = new List<BomProperty>();
        Add(properties, BomPropertyNames.DistroId, distro.Id);
        Add(properties, BomPropertyNames.DistroVersionId, distro.VersionId);
        Add(properties, BomPropertyNames.DistroCodename, distro.Codename);
        Add(properties, BomPropertyNames.DistroIdLike, distro.IdLike.Count == 0 ? null : string.Join(' ', distro.IdLike));
        Add(properties, BomPropertyNames.DistroSourcePath, distro.SourcePath);
        return new BomComponent
        {
            Type = BomComponentType.OperatingSystem,
            BomRef = $"os:{distro.PurlQualifier}",
            Name = distro.Id,
            Version = distro.VersionId,
            Description = distro.PrettyName,
            Properties = properties,
        };
    }

    private static BomComponent ImageComponent(SbomImage image)
    {
        var purl = ImagePurl.Create(image.Repository ?? image.Name, image.Digest, image.Repository);
        var properties = new List<BomProperty>();
        Add(properties, BomPropertyNames.ImageReference, image.Reference);
        Add(properties, BomPropertyNames.ImageConfigDigest, image.ConfigDigest);
        Add(properties, BomPropertyNames.ImagePlatform, image.Platform);
        return new BomComponent
        {
            Type = BomComponentType.Container,
            BomRef = purl ?? $"image:{image.Name}",
            Name = image.Name,
            Version = image.Digest,
            Purl = purl,
            Properties = NullIfEmpty(properties),
        };
    }

    private static BomComponent Tool(SbomTool tool)
    {
        var catalogers = tool.Catalogers.OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        var properties = new List<BomProperty>
        {
            new(BomPropertyNames.CatalogerSetVersion, Inventory.Catalogers.SetVersion(catalogers)),
        };
        properties.AddRange(catalogers.Select(c => new BomProperty(BomPropertyNames.CatalogerVersionPrefix + c.Name, c.Version)));
        return new BomComponent
        {
            Type = BomComponentType.Application,
            Group = SbomTool.Vendor,
            Name = SbomTool.Name,
            Version = tool.Version,
            Properties = properties,
        };
    }

    private static IEnumerable<BomProperty> LayerProperties(IReadOnlyList<LayerInfo> layers)
    {
        foreach (var layer in layers.OrderBy(l => l.Index))
        {
            if (layer.Digest is not null)
            {
                yield return new BomProperty(BomPropertyNames.Layer(layer.Index), layer.Digest);
            }
            if (layer.DiffId is not null)
            {
                yield return new BomProperty(BomPropertyNames.LayerDiffId(layer.Index), layer.DiffId);
            }
        }
    }

    private static IEnumerable<BomProperty> ProblemProperties(IReadOnlyList<InventoryProblem> problems)
    {
        var ordered = problems
            .OrderBy(p => p.Path ?? "", StringComparer.Ordinal)
            .ThenBy(p => p.Source, StringComparer.Ordinal)
            .ThenBy(p => p.Code, StringComparer.Ordinal)
            .ThenBy(p => p.Message, StringComparer.Ordinal)
            .ThenBy(p => p.LayerIndex ?? -1);
        var index = 0;
        foreach (var problem in ordered)
        {
            var list = new List<BomProperty>();
            Add(list, BomPropertyNames.Problem(index, "code"), problem.Code);
            Add(list, BomPropertyNames.Problem(index, "source"), problem.Source);
            Add(list, BomPropertyNames.Problem(index, "path"), problem.Path);
            Add(list, BomPropertyNames.Problem(index, "layer"), problem.LayerIndex?.ToString(CultureInfo.InvariantCulture));
            Add(list, BomPropertyNames.Problem(index, "message"), problem.Message);
            foreach (var property in list)
            {
                yield return property;
            }
            index++;
        }
    }

    private static List<BomDependency> Dependencies(List<Package> ordered, Dictionary<Package, string> bomRefs)
    {
        // DependsOn holds package ids; a repeated id (see AssignBomRefs) resolves to its first bom-ref.
        var byId = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var package in ordered)
        {
            byId.TryAdd(package.Id, bomRefs[package]);
        }
        var dependencies = new List<BomDependency>();
        foreach (var package in ordered)
        {
            var targets = package.DependsOn
                .Select(id => byId.GetValueOrDefault(id))
                .OfType<string>()
                .Where(target => target != bomRefs[package])
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .ToList();
            if (targets.Count > 0)
            {
                dependencies.Add(new BomDependency { Ref = bomRefs[package], DependsOn = targets });
            }
        }
        return [.. dependencies.OrderBy(d => d.Ref, StringComparer.Ordinal)];
    }

    private static void Add(List<BomProperty> properties, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            properties.Add(new BomProperty(name, value));
        }
    }

    private static List<T>? NullIfEmpty<T>(List<T> items) => items.Count == 0 ? null : items;
}
