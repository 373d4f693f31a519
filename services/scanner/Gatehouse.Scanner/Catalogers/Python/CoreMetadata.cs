namespace Gatehouse.Scanner.Catalogers.Python;

/// <summary>
/// Python core metadata (METADATA / PKG-INFO): RFC 822-style headers up to the first blank line,
/// continuation lines starting with whitespace, repeatable fields (Classifier).
/// </summary>
internal sealed class CoreMetadata
{
    private readonly List<KeyValuePair<string, string>> _fields;

    private CoreMetadata(List<KeyValuePair<string, string>> fields) => _fields = fields;

    public static CoreMetadata Parse(string text)
    {
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var line in text.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.Length == 0)
            {
                break; // the body (long description) follows
            }
            if (char.IsWhiteSpace(line[0]))
            {
                if (fields.Count == 0)
                {
                    throw new FormatException("continuation line before any header");
                }
                var last = fields[^1];
                fields[^1] = new(last.Key, last.Value + "\n" + line.Trim());
                continue;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new FormatException($"not a header line: '{Truncate(line)}'");
            }
            fields.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
        }
        return new CoreMetadata(fields);
    }

    public string? Get(string field) =>
        _fields.FirstOrDefault(f => string.Equals(f.Key, field, StringComparison.OrdinalIgnoreCase) && f.Value.Length > 0).Value;

    public IEnumerable<string> GetAll(string field) =>
        _fields.Where(f => string.Equals(f.Key, field, StringComparison.OrdinalIgnoreCase)).Select(f => f.Value);

    /// <summary>License-Expression (PEP 639) wins; then a one-line License field; then the licence
    /// classifiers' last segment (<c>License :: OSI Approved :: BSD License</c> → <c>BSD License</c>).</summary>
    public IReadOnlyList<string> Licenses()
    {
        if (Get("License-Expression") is { } expression)
        {
            return [expression];
        }
        if (Get("License") is { } license && !license.Contains('\n', StringComparison.Ordinal) && license != "UNKNOWN")
        {
            return [license];
        }
        return [.. GetAll("Classifier")
            .Where(c => c.StartsWith("License ::", StringComparison.Ordinal))
            .Select(c => c[(c.LastIndexOf("::", StringComparison.Ordinal) + 2)..].Trim())
            .Where(l => l.Length > 0 && l != "OSI Approved")
            .Distinct(StringComparer.Ordinal)];
    }

    private static string Truncate(string line) => line.Length > 60 ? line[..60] + "…" : line;
}
