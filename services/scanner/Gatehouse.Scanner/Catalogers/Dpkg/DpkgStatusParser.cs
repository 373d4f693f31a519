namespace Gatehouse.Scanner.Catalogers.Dpkg;

/// <summary>One package stanza of a dpkg database (<c>status</c> or a distroless <c>status.d/*</c> file).</summary>
internal sealed record DpkgEntry(
    string Name,
    string Version,
    string? Architecture,
    string SourceName,
    string SourceVersion,
    string? Status,
    string? Maintainer,
    IReadOnlyList<string> Depends,
    IReadOnlyList<string> Provides)
{
    /// <summary>Identity across layer versions of the database.</summary>
    public (string, string, string?) Key => (Name, Version, Architecture);
}

/// <summary>
/// Parses dpkg's deb822 database: stanzas separated by blank lines, <c>Field: value</c> lines, continuation
/// lines starting with white space. Field names are case-insensitive. A line that is neither is reported
/// (with its line number) and skipped; the rest of the file is still read.
/// </summary>
internal static class DpkgStatusParser
{
    private static readonly System.Buffers.SearchValues<char> RelationNameEnd = System.Buffers.SearchValues.Create(" (:[\n\t");

    public static List<DpkgEntry> Parse(string text, Action<string>? reportProblem)
    {
        var entries = new List<DpkgEntry>();
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? lastField = null;
        var lineNumber = 0;
        foreach (var rawLine in text.AsSpan().EnumerateLines())
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r');
            if (line.IsWhiteSpace())
            {
                Flush(fields, entries);
                lastField = null;
                continue;
            }
            if (line[0] is ' ' or '\t')
            {
                if (lastField is null)
                {
                    reportProblem?.Invoke($"line {lineNumber}: continuation line outside a field");
                    continue;
                }
                fields[lastField] = fields[lastField] + "\n" + line.Trim().ToString();
                continue;
            }
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                reportProblem?.Invoke($"line {lineNumber}: '{Shorten(line)}' is not a 'Field: value' line");
                lastField = null;
                continue;
            }
            lastField = line[..colon].Trim().ToString();
            fields[lastField] = line[(colon + 1)..].Trim().ToString();
        }
        Flush(fields, entries);
        return entries;
    }

    /// <summary>dpkg's notion of "installed": no Status field (distroless status.d), or a Status whose
    /// selection is not deinstall/purge and whose state is not not-installed/config-files.</summary>
    public static bool IsInstalled(string? status)
    {
        if (string.IsNullOrWhiteSpace(status))
        {
            return true;
        }
        var words = status.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words[0] is not ("deinstall" or "purge")
            && (words.Length < 3 || words[2] is not ("not-installed" or "config-files"));
    }

    /// <summary>Package names of a Depends-style field: alternatives included, version constraints and
    /// <c>:arch</c> qualifiers dropped (<c>libc6 (&gt;= 2.34), debconf | debconf-2.0</c> → libc6, debconf, debconf-2.0).</summary>
    public static List<string> RelationNames(string? field)
    {
        var names = new List<string>();
        if (string.IsNullOrWhiteSpace(field))
        {
            return names;
        }
        foreach (var relation in field.Split([',', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var end = relation.AsSpan().IndexOfAny(RelationNameEnd);
            var name = end < 0 ? relation : relation[..end];
            if (name.Length > 0)
            {
                names.Add(name);
            }
        }
        return names;
    }

    private static void Flush(Dictionary<string, string> fields, List<DpkgEntry> entries)
    {
        if (fields.Count == 0)
        {
            return;
        }
        var name = fields.GetValueOrDefault("Package")?.Trim() ?? "";
        var status = fields.GetValueOrDefault("Status");
        // Like syft: stanzas without a package name, and removed packages, are not packages.
        if (name.Length > 0 && IsInstalled(status))
        {
            var version = fields.GetValueOrDefault("Version")?.Trim() ?? "";
            var (sourceName, sourceVersion) = ParseSource(fields.GetValueOrDefault("Source"), name, version);
            var depends = RelationNames(fields.GetValueOrDefault("Depends"));
            depends.AddRange(RelationNames(fields.GetValueOrDefault("Pre-Depends")));
            entries.Add(new DpkgEntry(
                name,
                version,
                Empty(fields.GetValueOrDefault("Architecture")),
                sourceName,
                sourceVersion,
                status,
                Empty(fields.GetValueOrDefault("Maintainer")),
                depends,
                RelationNames(fields.GetValueOrDefault("Provides"))));
        }
        fields.Clear();
    }

    /// <summary><c>Source: name</c> or <c>Source: name (version)</c>; without the field the source is the binary itself.</summary>
    internal static (string Name, string Version) ParseSource(string? field, string binaryName, string binaryVersion)
    {
        var value = field?.Trim() ?? "";
        if (value.Length == 0)
        {
            return (binaryName, binaryVersion);
        }
        var open = value.IndexOf('(', StringComparison.Ordinal);
        if (open < 0)
        {
            return (value, binaryVersion);
        }
        var close = value.IndexOf(')', open);
        var version = (close < 0 ? value[(open + 1)..] : value[(open + 1)..close]).Trim();
        return (value[..open].Trim(), version.Length == 0 ? binaryVersion : version);
    }

    private static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Shorten(ReadOnlySpan<char> line) => line.Length <= 60 ? line.ToString() : line[..60].ToString() + "…";
}
