using System.Diagnostics.CodeAnalysis;

namespace Gatehouse.Scanner.Advisories.Severity;

// A parsed CVSS vector: version and metric -> value. Parsing is tolerant where real feeds are
// sloppy but the meaning is unambiguous (surrounding whitespace, a trailing '/', NVD's v2
// parentheses) and strict where it is not (unknown metric or value, duplicates, missing base metric).
public sealed record CvssScore(string Version, double BaseScore, SeverityLevel Level, string Vector);

internal static class CvssVector
{
    public static bool TryParse(
        string? text,
        IReadOnlyDictionary<string, string[]> allowed,
        IReadOnlyList<string> required,
        [NotNullWhen(true)] out string? version,
        [NotNullWhen(true)] out Dictionary<string, string>? metrics,
        [NotNullWhen(false)] out string? error)
    {
        version = null;
        metrics = null;
        string body = (text ?? string.Empty).Trim().TrimStart('(').TrimEnd(')').TrimEnd('/');
        if (body.Length == 0)
        {
            error = "empty vector";
            return false;
        }

        string[] parts = body.Split('/');
        int first = 0;
        string parsedVersion = "2.0";
        if (parts[0].StartsWith("CVSS:", StringComparison.Ordinal))
        {
            parsedVersion = parts[0]["CVSS:".Length..];
            first = 1;
        }

        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = first; i < parts.Length; i++)
        {
            string[] pair = parts[i].Split(':');
            if (pair.Length != 2 || pair[0].Length == 0 || pair[1].Length == 0)
            {
                error = $"malformed metric '{parts[i]}'";
                return false;
            }

            if (!allowed.TryGetValue(pair[0], out string[]? values))
            {
                error = $"unknown metric '{pair[0]}'";
                return false;
            }

            if (!values.Contains(pair[1], StringComparer.Ordinal))
            {
                error = $"metric {pair[0]} has no value '{pair[1]}'";
                return false;
            }

            if (!found.TryAdd(pair[0], pair[1]))
            {
                error = $"metric {pair[0]} appears twice";
                return false;
            }
        }

        string? missing = required.FirstOrDefault(m => !found.ContainsKey(m));
        if (missing is not null)
        {
            error = $"base metric {missing} is missing";
            return false;
        }

        version = parsedVersion;
        metrics = found;
        error = null;
        return true;
    }
}
