using System.Diagnostics.CodeAnalysis;

namespace Gatehouse.Scanner.Versioning;

// Which version scheme orders each OSV ecosystem (ossf/osv-schema ecosystems.json). Ecosystems
// not listed have no trustworthy ordering here and must be reported as not evaluated.
public static class OsvEcosystems
{
    private static readonly Dictionary<string, string> SchemeByEcosystem = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Debian"] = "dpkg",
        ["Ubuntu"] = "dpkg",
        ["Alpine"] = "apk",
        ["Alpaquita"] = "apk",
        ["Chainguard"] = "apk",
        ["MinimOS"] = "apk",
        ["Wolfi"] = "apk",
        ["Red Hat"] = "rpm",
        ["Rocky Linux"] = "rpm",
        ["AlmaLinux"] = "rpm",
        ["openSUSE"] = "rpm",
        ["SUSE"] = "rpm",
        ["Mageia"] = "rpm",
        ["openEuler"] = "rpm",
        ["Photon OS"] = "rpm",
        ["Azure Linux"] = "rpm",
        ["npm"] = "semver",
        ["SwiftURL"] = "semver",
        ["Go"] = "semver-go",
        ["crates.io"] = "semver-cargo",
        ["PyPI"] = "pep440",
        ["Maven"] = "maven",
        ["NuGet"] = "nuget",
        ["RubyGems"] = "rubygems",
        ["Packagist"] = "generic",
    };

    public static IReadOnlyDictionary<string, string> SchemeNames => SchemeByEcosystem;

    // The base ecosystem is the text before the first ':' ("Ubuntu:Pro:18.04:LTS" -> "Ubuntu",
    // "Maven:https://maven.google.com" -> "Maven"); "Root:<ecosystem>[:release]" names the
    // ecosystem whose packages Root rebuilt.
    public static bool TryGetSchemeName(string ecosystem, [NotNullWhen(true)] out string? schemeName)
    {
        schemeName = null;
        if (string.IsNullOrWhiteSpace(ecosystem))
        {
            return false;
        }

        string[] parts = ecosystem.Split(':');
        string baseName = parts[0].Trim();
        if (baseName.Equals("Root", StringComparison.OrdinalIgnoreCase) && parts.Length > 1)
        {
            baseName = parts[1].Trim();
        }

        return SchemeByEcosystem.TryGetValue(baseName, out schemeName);
    }
}
