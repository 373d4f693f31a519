using System.Text;

namespace Gatehouse.Contracts;

/// <summary>
/// The folded form of a package name under which <see cref="StoreKeys.PackageNames"/> files purls, shared by the
/// scanner (writer) and the where-query (reader): lower case, with runs of <c>-</c>, <c>_</c> and <c>.</c> made one
/// <c>-</c> (PEP 503's rule, harmless elsewhere), so <c>OpenSSL</c>, <c>Foo_Bar</c> and <c>foo.bar</c> find their package.
/// Deliberately loose: candidates are filtered by purl type and namespace afterwards.
/// </summary>
public static class PackageNameKey
{
    public static string Of(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var decoded = Uri.UnescapeDataString(name.Trim());
        var builder = new StringBuilder(decoded.Length);
        var separator = false;
        foreach (var c in decoded)
        {
            if (c is '-' or '_' or '.')
            {
                separator = true;
                continue;
            }
            if (separator && builder.Length > 0) builder.Append('-');
            separator = false;
            builder.Append(char.ToLowerInvariant(c));
        }
        return builder.ToString();
    }

    /// <summary>The name segment of a purl (last path segment, before any version, qualifiers or subpath).</summary>
    public static string NameOfPurl(string purl)
    {
        ArgumentNullException.ThrowIfNull(purl);
        var end = purl.IndexOfAny(['?', '#']);
        var core = end < 0 ? purl : purl[..end];
        var slash = core.LastIndexOf('/');
        var at = core.IndexOf('@', slash < 0 ? 0 : slash);
        var withoutVersion = at < 0 ? core : core[..at];
        return withoutVersion[(withoutVersion.LastIndexOf('/') + 1)..];
    }
}
