namespace Gatehouse.Scanner.Sbom;

/// <summary>
/// The two identities a package is indexed under: its purl without version (which images contain openssl?)
/// and with version (which contain openssl 3.0.11-1~deb12u2?). Qualifiers and subpath are dropped: the same
/// package is the same whatever the architecture or distro qualifier says.
/// </summary>
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
        return at < 0 ? (core, null) : (core[..at], core);
    }
}
