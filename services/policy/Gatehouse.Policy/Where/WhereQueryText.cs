using System.Text.RegularExpressions;

namespace Gatehouse.Policy.Where;

public enum WhereQueryKind { Purl, Package, Advisory }

/// <summary>
/// A parsed where-query: a purl (<c>pkg:deb/debian/openssl[@3.0.11-1~deb12u2]</c>), a package name with an optional
/// version or range (<c>openssl</c>, <c>openssl@3.0.13</c>, <c>openssl@&lt;3.0.14</c>, <c>openssl@&gt;=3.0,&lt;3.0.14</c>), or an
/// advisory id (CVE-, GHSA-, DSA-, GO-, PYSEC-… followed by a digit; a package named <c>go-redis</c> stays a package).
/// </summary>
public sealed partial record WhereQueryText(WhereQueryKind Kind, string Text, string? PurlPrefix, string Name, VersionConstraint? Version)
{
    public static bool TryParse(string? query, out WhereQueryText? parsed, out string? error)
    {
        parsed = null;
        error = null;
        var text = query?.Trim() ?? "";
        if (text.Length is 0 or > 512 || text.Any(char.IsControl))
        {
            error = "the query must be a purl, a package name (optionally @version or @range) or an advisory id";
            return false;
        }
        if (AdvisoryId().IsMatch(text))
        {
            parsed = new WhereQueryText(WhereQueryKind.Advisory, text.ToUpperInvariant(), null, "", null);
            return true;
        }
        var purl = text.StartsWith("pkg:", StringComparison.OrdinalIgnoreCase);
        var core = purl && text.IndexOfAny(['?', '#']) is var end and >= 0 ? text[..end] : text;
        var slash = core.LastIndexOf('/');
        if (purl && slash < 0)
        {
            error = $"'{text}' is not a package URL (pkg:type/namespace/name@version)";
            return false;
        }
        var at = core.IndexOf('@', slash + 1);
        var nameAndPrefix = at < 0 ? core : core[..at];
        var name = nameAndPrefix[(slash + 1)..];
        VersionConstraint? version = null;
        if (at >= 0 && !VersionConstraint.TryParse(Uri.UnescapeDataString(core[(at + 1)..]), out version, out error)) return false;
        if (name.Length == 0)
        {
            error = "the query names no package";
            return false;
        }
        parsed = new WhereQueryText(purl ? WhereQueryKind.Purl : WhereQueryKind.Package, text,
            purl ? Uri.UnescapeDataString(core[..(slash + 1)]).ToLowerInvariant() : null, name, version);
        return true;
    }

    [GeneratedRegex(@"^(CVE-\d{4}-\d+|GHSA(-[0-9a-z]{4}){3}|(DSA|DLA|DTSA|USN|RHSA|RHBA|RHEA|ALSA|ALBA|RLSA|ELSA|GO|PYSEC|RUSTSEC|OSV|GSD|MAL|CGA|BIT|ALPINE|SUSE-SU|OPENSUSE-SU|MGASA|UVI|HSEC|OESA|PHSA|DEBIAN|UBUNTU|ECHO|MINI|LBSEC|DRUPAL|JLSEC|GHSL|PSF|RXSA|TEMP)-\d[0-9A-Za-z:._-]*)$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AdvisoryId();
}
