using System.Globalization;
using System.Text.Json;

namespace Gatehouse.Scanner.Advisories.Osv;

// The outcome of reading one OSV document. A readable record may still deviate from the strict
// schema (SchemaDeviations) or trip linter-style checks (LintWarnings); both are reported, neither
// stops the record from being used.
public sealed record OsvReadResult(
    string Origin,
    OsvRecord? Record,
    string? Error,
    IReadOnlyList<string> SchemaDeviations,
    IReadOnlyList<string> LintWarnings)
{
    public bool IsReadable => Record is not null;
}

public static class OsvReader
{
    // Guards against a hostile archive entry; real OSV records are a few KB to a few MB.
    public const int MaxDocumentBytes = 32 * 1024 * 1024;

    public static OsvReadResult Read(ReadOnlySpan<byte> utf8, string origin)
    {
        if (utf8.StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }

        if (utf8.Length > MaxDocumentBytes)
        {
            return Unreadable(origin, $"document is {utf8.Length} bytes, more than the {MaxDocumentBytes}-byte limit");
        }

        OsvRecord? record;
        try
        {
            record = JsonSerializer.Deserialize(utf8, OsvJsonContext.Default.OsvRecord);
        }
        catch (JsonException e)
        {
            return Unreadable(origin, "not an OSV JSON object: " + e.Message);
        }

        if (record is null)
        {
            return Unreadable(origin, "document is JSON null");
        }

        if (string.IsNullOrWhiteSpace(record.Id))
        {
            return Unreadable(origin, "record has no id");
        }

        return new OsvReadResult(origin, record, null, OsvSchemaCheck.Deviations(record), OsvSchemaCheck.Lint(record));
    }

    public static OsvReadResult ReadFile(string path)
    {
        try
        {
            return Read(File.ReadAllBytes(path), path);
        }
        catch (IOException e)
        {
            return Unreadable(path, "cannot read file: " + e.Message);
        }
        catch (UnauthorizedAccessException e)
        {
            return Unreadable(path, "cannot read file: " + e.Message);
        }
    }

    private static OsvReadResult Unreadable(string origin, string error) => new(origin, null, error, [], []);
}

// Ordering of OSV "modified" timestamps: RFC 3339 instants when both parse, else ordinal text
// (so a malformed timestamp still orders deterministically); missing sorts lowest.
public static class OsvTimestamps
{
    public static int Compare(string? a, string? b)
    {
        if (string.IsNullOrEmpty(a) || string.IsNullOrEmpty(b))
        {
            return (string.IsNullOrEmpty(a) ? 0 : 1) - (string.IsNullOrEmpty(b) ? 0 : 1);
        }

        if (TryParse(a, out DateTimeOffset x) && TryParse(b, out DateTimeOffset y))
        {
            return x.CompareTo(y);
        }

        return Math.Sign(string.CompareOrdinal(a, b));
    }

    public static bool TryParse(string? text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
}
