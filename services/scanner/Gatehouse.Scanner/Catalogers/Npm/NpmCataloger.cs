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
