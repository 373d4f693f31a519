namespace Gatehouse.Scanner.Catalogers.Python;

/// <summary>RECORD (CSV of path, hash, size) → root-relative installed paths. Paths in RECORD are relative
/// to the site-packages directory (scripts use <c>../../../bin/…</c>). Lines that are not CSV records
/// (a merge-conflict marker in a real-world RECORD) are skipped, as pip does.</summary>
internal static class InstalledFiles
{
    public static IReadOnlyList<string> FromRecord(string record, string sitePackages)
    {
        var files = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var line in record.ReplaceLineEndings("\n").Split('\n'))
        {
            if (FirstCsvField(line) is { Length: > 0 } path && Resolve(sitePackages, path) is { } resolved)
            {
                files.Add(resolved);
            }
        }
        return [.. files];
    }

    private static string? FirstCsvField(string line)
    {
        if (line.StartsWith('"'))
        {
            var end = line.IndexOf("\",", 1, StringComparison.Ordinal);
            return end < 0 ? null : line[1..end].Replace("\"\"", "\"", StringComparison.Ordinal);
        }
        var comma = line.IndexOf(',', StringComparison.Ordinal);
        return comma < 0 ? null : line[..comma];
    }

    /// <summary>Joins and normalizes; <c>..</c> never climbs above the image root.</summary>
    private static string? Resolve(string baseDirectory, string relative)
    {
        var segments = new List<string>(baseDirectory.Split('/', StringSplitOptions.RemoveEmptyEntries));
        if (relative.StartsWith('/'))
        {
            segments.Clear();
        }
        foreach (var segment in relative.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }
            }
            else if (segment != ".")
            {
                segments.Add(segment);
            }
        }
        return segments.Count == 0 ? null : string.Join('/', segments);
    }
}
