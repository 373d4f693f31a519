using System.Text.Json;
using Gatehouse.Scanner.Inventory;

namespace Gatehouse.Scanner.Catalogers.Npm;

/// <summary>
/// npm: installed packages (<c>node_modules/**/package.json</c>, package roots only) and lock files
/// (<c>package-lock.json</c> / <c>npm-shrinkwrap.json</c>, lockfileVersion 1-3). Files are told apart
/// by content (a lock file has <c>lockfileVersion</c>), not only by name.
/// </summary>
public sealed class NpmCataloger : MetadataFileCataloger
{
    private static readonly JsonDocumentOptions JsonOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    public override string Name => "npm";

    public override string Version => "1.0.0";

    public override FileInterest Select(FileCandidate file)
    {
        var name = file.FileName;
        if (name.SequenceEqual("package.json"))
        {
            return IsInstalledPackageRoot(file.Path) ? FileInterest.Content : FileInterest.None;
        }
        return (name.SequenceEqual("package-lock.json") || name.SequenceEqual("npm-shrinkwrap.json"))
            && !PathMatch.HasDirectorySegment(file.Path, "node_modules")
            ? FileInterest.Content
            : FileInterest.None;
    }

    protected override IEnumerable<Package> Parse(CatalogContext context, CapturedFile file)
    {
        using var document = JsonDocument.Parse(file.Content, JsonOptions);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("not a JSON object");
        }
        // Materialized here: the elements die with the document.
        return root.TryGetProperty("lockfileVersion", out var lockVersion)
            ? [.. NpmLockFile.Parse(context, file, root, lockVersion)]
            : [.. NpmPackageJson.Parse(context, file, root)];
    }

    /// <summary>
    /// A lock file and the node_modules it installed describe the same packages: each is listed once, from the lock
    /// file (which has the dependency edges), with the installed package.json's licences when the lock has none.
    /// Installed packages the lock file does not name (installed by hand, another project) stay.
    /// </summary>
    protected override IReadOnlyList<Package> Complete(IReadOnlyList<Package> packages)
    {
        var locked = packages.Where(p => IsLockFile(p.Location.Path))
            .GroupBy(p => PathMatch.Directory(p.Location.Path).ToString(), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.GroupBy(p => (p.Name, p.Version)).ToDictionary(v => v.Key, v => v.First()), StringComparer.Ordinal);
        if (locked.Count == 0) return packages;
        var licenses = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var kept = new List<Package>(packages.Count);
        foreach (var package in packages)
        {
            if (!IsLockFile(package.Location.Path) && ProjectOf(package.Location.Path) is { } project
                && locked.TryGetValue(project, out var lockPackages) && lockPackages.TryGetValue((package.Name, package.Version), out var entry))
            {
                if (entry.Licenses.Count == 0 && package.Licenses.Count > 0) licenses[entry.Id] = package.Licenses;
                continue;
            }
            kept.Add(package);
        }
        return [.. kept.Select(p => licenses.TryGetValue(p.Id, out var l) ? p with { Licenses = l } : p)];
    }

    private static bool IsLockFile(string path) =>
        PathMatch.FileName(path).SequenceEqual("package-lock.json") || PathMatch.FileName(path).SequenceEqual("npm-shrinkwrap.json");

    /// <summary>The project an installed package belongs to: the folder holding the outermost node_modules.</summary>
    private static string? ProjectOf(string path)
    {
        var at = path.StartsWith("node_modules/", StringComparison.Ordinal) ? 0 : path.IndexOf("/node_modules/", StringComparison.Ordinal);
        return at switch { < 0 => null, 0 => "", _ => path[..at] };
    }

    /// <summary><c>…/node_modules/name/package.json</c> or <c>…/node_modules/@scope/name/package.json</c>;
    /// not the package.json files that packages ship in sub-folders (<c>dist/esm/package.json</c>).</summary>
    private static bool IsInstalledPackageRoot(ReadOnlySpan<char> path)
    {
        var packageDir = PathMatch.Directory(path);
        var parent = PathMatch.Directory(packageDir);
        if (PathMatch.FileName(parent).SequenceEqual("node_modules"))
        {
            return true;
        }
        return PathMatch.FileName(parent).StartsWith("@")
            && PathMatch.FileName(PathMatch.Directory(parent)).SequenceEqual("node_modules");
    }

    internal static JsonDocument ParseJson(ReadOnlyMemory<byte> content) => JsonDocument.Parse(content, JsonOptions);
}
