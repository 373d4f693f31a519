using System.Text;

namespace Gatehouse.Scanner.Inventory;

/// <summary>
/// Builds canonical package URLs per the purl spec: lower-case type, each namespace segment, the name,
/// the version and qualifier values percent-encoded (unreserved <c>A-Za-z0-9.-_~</c> and <c>:</c> kept;
/// <c>/</c> also kept inside qualifier values); qualifiers sorted by key, empty values dropped.
/// </summary>
public static class PackageUrl
{
    public static string Create(
        string type,
        string? @namespace,
        string name,
        string? version,
        IEnumerable<KeyValuePair<string, string?>>? qualifiers = null,
        string? subpath = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var sb = new StringBuilder("pkg:", 96).Append(type.ToLowerInvariant()).Append('/');
        if (!string.IsNullOrEmpty(@namespace))
        {
            foreach (var segment in @namespace.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                Encode(sb, segment, keepSlash: false).Append('/');
            }
        }
        Encode(sb, name, keepSlash: false);
        if (!string.IsNullOrEmpty(version))
        {
            Encode(sb.Append('@'), version, keepSlash: false);
        }
        if (qualifiers is not null)
        {
            var sorted = qualifiers
                .Where(q => !string.IsNullOrEmpty(q.Value))
                .Select(q => (Key: q.Key.ToLowerInvariant(), q.Value))
                .OrderBy(q => q.Key, StringComparer.Ordinal)
                .ToList();
            for (var i = 0; i < sorted.Count; i++)
            {
                sb.Append(i == 0 ? '?' : '&').Append(sorted[i].Key).Append('=');
                Encode(sb, sorted[i].Value!, keepSlash: true);
            }
        }
        if (!string.IsNullOrEmpty(subpath))
        {
            sb.Append('#');
            var first = true;
            foreach (var segment in subpath.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                if (segment is "." or "..")
                {
                    continue;
                }
                Encode(first ? sb : sb.Append('/'), segment, keepSlash: false);
                first = false;
            }
        }
        return sb.ToString();
    }

    /// <summary>Convenience for the common OS-package shape: <c>pkg:type/namespace/name@version?arch=..&amp;distro=..</c>.</summary>
    public static string ForOsPackage(string type, string @namespace, string name, string version, string? arch, string? distro, string? epoch = null) =>
        Create(type, @namespace, name, version,
        [
            new("arch", arch),
            new("distro", distro),
            new("epoch", epoch),
        ]);

    private static StringBuilder Encode(StringBuilder sb, string value, bool keepSlash)
    {
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in value.EnumerateRunes())
        {
            if (rune.IsAscii && (IsUnreserved((char)rune.Value) || (keepSlash && rune.Value == '/')))
            {
                sb.Append((char)rune.Value);
                continue;
            }
            var n = rune.EncodeToUtf8(utf8);
            for (var i = 0; i < n; i++)
            {
                sb.Append('%').Append(utf8[i].ToString("X2"));
            }
        }
        return sb;
    }

    private static bool IsUnreserved(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '~' or ':';
}
