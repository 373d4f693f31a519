using System.Text;

namespace Gatehouse.Scanner.Advisories.Ecosystems;

// PEP 503: lower case, every run of '-', '_' and '.' becomes one '-'.
public sealed class PyPiEcosystem() : Ecosystem("PyPI", "pypi")
{
    public override string NormalizeName(string name)
    {
        var sb = new StringBuilder(name.Length);
        bool inSeparatorRun = false;
        foreach (char c in name.Trim())
        {
            if (c is '-' or '_' or '.')
            {
                if (!inSeparatorRun)
                {
                    sb.Append('-');
                }

                inSeparatorRun = true;
                continue;
            }

            inSeparatorRun = false;
            sb.Append(char.ToLowerInvariant(c));
        }

        return sb.ToString();
    }
}

// npm names are lower case (legacy mixed-case names resolve case-insensitively); "@scope/name"
// keeps its scope, which becomes the purl namespace.
public sealed class NpmEcosystem() : Ecosystem("npm", "npm")
{
    public override string NormalizeName(string name) => name.Trim().ToLowerInvariant();

    public override string Identity(string normalizedName)
    {
        int slash = normalizedName.IndexOf('/', StringComparison.Ordinal);
        return normalizedName.StartsWith('@') && slash > 0
            ? PackageUrlText.Create(PurlType, normalizedName[..slash], normalizedName[(slash + 1)..])
            : PackageUrlText.Create(PurlType, null, normalizedName);
    }
}

// OSV names are "groupId:artifactId"; "groupId/artifactId" (purl style) is accepted. Maven
// coordinates are case-sensitive, so case is kept.
public sealed class MavenEcosystem() : Ecosystem("Maven", "maven")
{
    public override string NormalizeName(string name)
    {
        string trimmed = name.Trim();
        if (!trimmed.Contains(':', StringComparison.Ordinal))
        {
            int slash = trimmed.LastIndexOf('/');
            if (slash > 0)
            {
                trimmed = trimmed[..slash] + ":" + trimmed[(slash + 1)..];
            }
        }

        string[] parts = trimmed.Split(':');
        return string.Join(':', parts.Select(p => p.Trim()));
    }

    public override string Identity(string normalizedName)
    {
        int colon = normalizedName.IndexOf(':', StringComparison.Ordinal);
        return colon > 0
            ? PackageUrlText.Create(PurlType, normalizedName[..colon], normalizedName[(colon + 1)..])
            : PackageUrlText.Create(PurlType, null, normalizedName);
    }
}

// NuGet ids are case-insensitive.
public sealed class NuGetEcosystem() : Ecosystem("NuGet", "nuget")
{
    public override string NormalizeName(string name) => name.Trim().ToLowerInvariant();
}

// Go module paths are case-sensitive and compared as written; the toolchain's own version
// ("go1.22.1") is written without the "go" prefix in the Go vulnerability database.
public sealed class GoEcosystem() : Ecosystem("Go", "golang")
{
    public override string NormalizeName(string name) => name.Trim().TrimEnd('/');

    public override string NormalizeVersion(string version)
    {
        string trimmed = version.Trim();
        return trimmed.StartsWith("go", StringComparison.Ordinal) && trimmed.Length > 2 && char.IsAsciiDigit(trimmed[2])
            ? trimmed[2..]
            : trimmed;
    }

    public override string Identity(string normalizedName) => SlashSeparated(PurlType, normalizedName);

    internal static string SlashSeparated(string purlType, string name)
    {
        int slash = name.LastIndexOf('/');
        return slash > 0
            ? PackageUrlText.Create(purlType, name[..slash], name[(slash + 1)..])
            : PackageUrlText.Create(purlType, null, name);
    }
}

// Ecosystems whose registries treat names case-insensitively (crates.io, Packagist, Hex, Pub).
// Packagist's "vendor/package" maps to a purl namespace.
public sealed class CaseInsensitiveEcosystem(string name, string purlType, bool slashIsNamespace = false)
    : Ecosystem(name, purlType)
{
    public override string NormalizeName(string name) => name.Trim().ToLowerInvariant();

    public override string Identity(string normalizedName) =>
        slashIsNamespace ? GoEcosystem.SlashSeparated(PurlType, normalizedName) : base.Identity(normalizedName);
}

// Ecosystems whose names are compared exactly (RubyGems and ecosystems without special rules).
public sealed class CaseSensitiveEcosystem(string name, string purlType) : Ecosystem(name, purlType);
