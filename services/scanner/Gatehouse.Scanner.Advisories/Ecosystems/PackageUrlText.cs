using System.Text;

namespace Gatehouse.Scanner.Advisories.Ecosystems;

// The parts of a package URL this library needs: building version-less identities
// (pkg:npm/%40scope/name) and reading type, namespace, name, version and qualifiers back.
// Encoding matches the scanner's PackageUrl: unreserved A-Za-z0-9.-_~ and ':' kept.
public sealed record ParsedPurl(
    string Type,
    string? Namespace,
    string Name,
    string? Version,
    IReadOnlyDictionary<string, string> Qualifiers);

public static class PackageUrlText
{
    public static string Create(string type, string? @namespace, string name)
    {
        var sb = new StringBuilder("pkg:", 64).Append(type.ToLowerInvariant()).Append('/');
        if (!string.IsNullOrEmpty(@namespace))
        {
            foreach (string segment in @namespace.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                Encode(sb, segment).Append('/');
            }
        }

        return Encode(sb, name).ToString();
    }

    public static bool TryParse(string? purl, out ParsedPurl? parsed)
    {
        parsed = null;
        if (purl is null || !purl.StartsWith("pkg:", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string rest = purl[4..].TrimStart('/');
        int hash = rest.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            rest = rest[..hash];
        }

        var qualifiers = new Dictionary<string, string>(StringComparer.Ordinal);
        int question = rest.IndexOf('?', StringComparison.Ordinal);
        if (question >= 0)
        {
            foreach (string pair in rest[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    qualifiers[pair[..eq].ToLowerInvariant()] = Uri.UnescapeDataString(pair[(eq + 1)..]);
                }
            }

            rest = rest[..question];
        }

        string? version = null;
        int at = rest.LastIndexOf('@');
        if (at > 0 && rest.IndexOf('/', at) < 0)
        {
            version = Uri.UnescapeDataString(rest[(at + 1)..]);
            rest = rest[..at];
        }

        string[] segments = rest.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 2)
        {
            return false;
        }

        string type = segments[0].ToLowerInvariant();
        string name = Uri.UnescapeDataString(segments[^1]);
        string? ns = segments.Length > 2 ? string.Join('/', segments[1..^1].Select(Uri.UnescapeDataString)) : null;
        parsed = new ParsedPurl(type, ns, name, version, qualifiers);
        return name.Length > 0;
    }

    private static StringBuilder Encode(StringBuilder sb, string value)
    {
        Span<byte> utf8 = stackalloc byte[4];
        foreach (Rune rune in value.EnumerateRunes())
        {
            if (rune.IsAscii && IsKept((char)rune.Value))
            {
                sb.Append((char)rune.Value);
                continue;
            }

            int written = rune.EncodeToUtf8(utf8);
            for (int i = 0; i < written; i++)
            {
                sb.Append('%').Append(utf8[i].ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return sb;
    }

    private static bool IsKept(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '~' or ':';
}
