using System.Text.RegularExpressions;
using Gatehouse.Scanner.Inventory;

namespace Gatehouse.Scanner.Catalogers.Ruby;

/// <summary>
/// Installed gems: <c>specifications/*.gemspec</c> (and <c>specifications/default/</c>, Ruby's bundled
/// default gems), the Ruby files RubyGems writes on install. They are
/// read as text, never evaluated: <c>s.name = "rack".freeze</c>, <c>s.version = "3.0.8"</c>,
/// <c>s.licenses = ["MIT".freeze]</c>, and runtime dependencies for edges to gems installed beside it.
/// </summary>
public sealed partial class GemspecCataloger : MetadataFileCataloger
{
    public override string Name => "ruby-gemspec";

    public override string Version => "1.0.0";

    public override FileInterest Select(FileCandidate file) =>
        file.FileName.EndsWith(".gemspec", StringComparison.Ordinal)
        && PathMatch.HasDirectorySegment(file.Path, "specifications")
            ? FileInterest.Content
            : FileInterest.None;

    protected override IEnumerable<Package> Parse(CatalogContext context, CapturedFile file)
    {
        var spec = Gemspec.Parse(file.ReadText());
        var dependsOn = spec.RuntimeDependencies
            .Select(name => InstalledBeside(context, file.Path, name))
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToList();
        return [ToPackage(context, file, spec) with { DependsOn = dependsOn }];
    }

    private static Package ToPackage(CatalogContext context, CapturedFile file, Gemspec spec) =>
        new()
        {
            Name = spec.Name,
            Version = spec.Version,
            Type = "gem",
            Purl = PackageUrl.Create("gem", null, spec.Name, spec.Version),
            Location = context.Locate(file),
            Licenses = spec.Licenses,
        };

    /// <summary>The id of the one installed version of <paramref name="gem"/> in the same specifications
    /// directory; none when absent or when several versions make the choice Bundler's, not ours.</summary>
    private static string? InstalledBeside(CatalogContext context, string path, string gem)
    {
        var directory = PathMatch.Directory(path).ToString();
        var candidates = context.FileSystem.Children(directory)
            .Where(e => e.Path.EndsWith(".gemspec", StringComparison.Ordinal) && GemFileName(gem).IsMatch(PathMatch.FileName(e.Path).ToString()))
            .ToList();
        if (candidates.Count != 1 || context.TryGetFile(candidates[0].Path) is not { } file)
        {
            return null;
        }
        try
        {
            return ToPackage(context, file, Gemspec.Parse(file.ReadText())).Id;
        }
        catch (FormatException)
        {
            return null; // reported when that file is parsed itself
        }
    }

    // "<name>-<version>[-<platform>].gemspec" where the version starts with a digit.
    private static Regex GemFileName(string gem) =>
        new($"^{Regex.Escape(gem)}-[0-9][^/]*\\.gemspec$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
}
