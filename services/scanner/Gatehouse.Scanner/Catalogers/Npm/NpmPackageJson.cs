using System.Text.Json;
using Gatehouse.Scanner.Inventory;

namespace Gatehouse.Scanner.Catalogers.Npm;

/// <summary>An installed package (<c>node_modules/…/package.json</c>). Edges follow Node's resolution:
/// a dependency is looked up in <c>node_modules</c> of the package's directory, then of each ancestor.</summary>
internal static class NpmPackageJson
{
    public static IEnumerable<Package> Parse(CatalogContext context, CapturedFile file, JsonElement root)
    {
        if (NameAndVersion(root) is not var (name, version))
        {
            // Not a package (a package.json with only "type": "module", or a partial one): nothing to report.
            return [];
        }
        var package = NpmPackages.Create(context, file, name, version, NpmPackages.Licenses(root));
        var packageDirectory = PathMatch.Directory(file.Path).ToString();
        var dependsOn = NpmPackages.DependencyNames(root, "dependencies", "optionalDependencies")
            .Select(dependency => ResolveInstalled(context, packageDirectory, dependency))
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return [package with { DependsOn = dependsOn }];
    }

    private static (string Name, string Version)? NameAndVersion(JsonElement root) =>
        NpmPackages.GetString(root, "name") is { Length: > 0 } name && NpmPackages.GetString(root, "version") is { Length: > 0 } version
            ? (name, version)
            : null;

    /// <summary>The <see cref="Package.Id"/> of the installed package Node would load for <paramref name="dependency"/>.</summary>
    private static string? ResolveInstalled(CatalogContext context, string packageDirectory, string dependency)
    {
        for (var directory = packageDirectory; ; directory = PathMatch.Directory(directory).ToString())
        {
            var candidate = directory.Length == 0
                ? $"node_modules/{dependency}/package.json"
                : $"{directory}/node_modules/{dependency}/package.json";
            if (context.TryGetFile(candidate) is { } file)
            {
                try
                {
                    using var document = NpmCataloger.ParseJson(file.Content);
                    return NameAndVersion(document.RootElement) is var (name, version)
                        ? $"{NpmPackages.Purl(name, version)}|{file.Path}"
                        : null;
                }
                catch (JsonException)
                {
                    return null; // reported when that file itself is parsed
                }
            }
            if (directory.Length == 0)
            {
                return null;
            }
        }
    }
}
