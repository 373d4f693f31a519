using System.Text.RegularExpressions;
using Gatehouse.Scanner.Inventory;

namespace Gatehouse.Scanner.Catalogers.Java;

/// <summary>Maven coordinates: inventory names are <c>groupId:artifactId</c> (as OSV spells them), purls
/// <c>pkg:maven/group/artifact@version</c>; jar file names give a fallback artifact and version.</summary>
internal static partial class JavaNames
{
    public static string Purl(string groupId, string artifactId, string version) =>
        PackageUrl.Create("maven", groupId, artifactId, version);

    /// <summary>Without pom.properties the group is a guess: the vendor id / Jenkins group / module name,
    /// with the symbolic name's matching prefix dropped from the artifact; else the name itself (syft's habit).</summary>
    public static string PurlFromManifest(JavaManifest? manifest, string name, string version)
    {
        var group = manifest?.GroupId();
        var artifact = name;
        if (group is not null && name.StartsWith(group + ".", StringComparison.Ordinal) && name.Length > group.Length + 1)
        {
            artifact = name[(group.Length + 1)..];
        }
        return PackageUrl.Create("maven", group ?? name, artifact, version);
    }

    /// <summary><c>commons-lang3-3.12.0.jar</c> → (<c>commons-lang3</c>, <c>3.12.0</c>): the version starts at
    /// the first <c>-</c> followed by a digit.</summary>
    public static (string? Artifact, string? Version) FromFileName(string fileName)
    {
        var stem = Path.GetFileNameWithoutExtension(fileName);
        var match = VersionedName().Match(stem);
        return match.Success ? (match.Groups["name"].Value, match.Groups["version"].Value) : (stem.Length > 0 ? stem : null, null);
    }

    [GeneratedRegex(@"^(?<name>.+?)-(?<version>\d[^/]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionedName();
}
