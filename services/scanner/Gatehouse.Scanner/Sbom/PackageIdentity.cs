using Gatehouse.Scanner.Advisories.Ecosystems;

namespace Gatehouse.Scanner.Sbom;

/// <summary>
/// The two identities a package is indexed under: its purl without version (which images contain openssl?)
/// and with version (which contain openssl 3.0.11-1~deb12u2?). Qualifiers and subpath are dropped: the same
/// package is the same whatever the architecture or distro qualifier says.
/// </summary>
/// <remarks>
/// Names are normalized the way the advisory store names packages (<see cref="EcosystemRegistry.IdentityOf"/>:
/// PEP 503 for PyPI, lower case for npm, NuGet and Debian, Maven <c>group/artifact</c>), so the version-less
/// identity of a language package is exactly what <c>AdvisoriesUpdated.AffectedPackages</c> carries. OS packages
/// keep their binary name here; the source-package identity distro advisories are announced under
/// (<c>pkg:deb/debian/glibc</c> for libc6) is added to the index by the vulnerability matcher.
/// Purls of types no ecosystem knows are kept as written.
/// </remarks>
public static class PackageIdentity
{
    public static (string WithoutVersion, string? WithVersion) Of(string purl)
    {
        ArgumentNullException.ThrowIfNull(purl);
        var end = purl.IndexOfAny(['?', '#']);
        var core = end < 0 ? purl : purl[..end];
        // The version starts at the last '@' after the last '/': names never contain '/', scopes are encoded (%40).
        var slash = core.LastIndexOf('/');
        var at = core.IndexOf('@', slash < 0 ? 0 : slash);
        var name = at < 0 ? core : core[..at];
        var identity = Normalized(name) ?? name;
        return at < 0 ? (identity, null) : (identity, identity + core[at..]);
    }

    /// <summary>The ecosystem's identity of a version-less purl, or null when no ecosystem claims its type.</summary>
    private static string? Normalized(string versionless)
    {
        if (!PackageUrlText.TryParse(versionless, out var parsed) || parsed is null
            || !EcosystemRegistry.BuiltIn.TryFindByPurl(parsed.Type, parsed.Namespace, out var ecosystem)
            || (ecosystem.PurlNamespace is { } fixedNamespace && !string.Equals(fixedNamespace, parsed.Namespace, StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        // The name as OSV writes it, which is what the ecosystem normalizes (and what PackageQuery builds).
        var osvName = parsed.Type switch
        {
            "maven" when parsed.Namespace is not null => parsed.Namespace.Replace('/', '.') + ":" + parsed.Name,
            "npm" or "golang" or "composer" when parsed.Namespace is not null => parsed.Namespace + "/" + parsed.Name,
            _ => parsed.Name,
        };
        return ecosystem.Identity(ecosystem.NormalizeName(osvName));
    }
}
