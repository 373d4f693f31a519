using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatehouse.Policy.Model;

/// <summary>
/// Typed, path-aware reads from a JSON tree that record every problem (with line and field path) instead of
/// throwing, so one load reports all mistakes. Unknown fields are errors, with a "did you mean" hint.
/// </summary>
internal sealed class NodeReader(SourceDocument document, List<PolicyIssue> issues)
{
    public SourceDocument Document => document;

    public int ErrorCount => issues.Count(i => i.Severity == IssueSeverity.Error);

    public static string Child(string path, string field) => path.Length == 0 ? field : path + "." + field;

    public static string Item(string path, int index) => $"{path}[{index}]";

    public void Error(JsonNode? near, string path, string message) =>
        issues.Add(new PolicyIssue(document.Source, document.LineOf(near), path, message));

    public void Warning(JsonNode? near, string path, string message) =>
        issues.Add(new PolicyIssue(document.Source, document.LineOf(near), path, message, IssueSeverity.Warning));

    /// <summary>Errors for fields not in <paramref name="known"/>.</summary>
    public void OnlyKnown(JsonObject obj, string path, params string[] known)
    {
        foreach (var (name, value) in obj)
        {
            if (known.Contains(name, StringComparer.Ordinal)) continue;
            var hint = known.FirstOrDefault(k => IsNear(k, name));
            Error(value ?? obj, Child(path, name),
                hint is not null ? $"unknown field (did you mean '{hint}'?)" : $"unknown field (known: {string.Join(", ", known)})");
        }
    }

    public JsonObject? Object(JsonObject parent, string path, string field, bool required = false)
    {
        var node = parent[field];
        if (node is null)
        {
            if (required) Error(parent, Child(path, field), "is required");
            return null;
        }
        if (node is JsonObject obj) return obj;
        Error(node, Child(path, field), $"must be a mapping (was {Describe(node)})");
        return null;
    }

    public JsonArray? Array(JsonObject parent, string path, string field, bool required = false, bool nonEmpty = false)
    {
        var node = parent[field];
        if (node is null)
        {
            if (required) Error(parent, Child(path, field), "is required");
            return null;
        }
        if (node is not JsonArray array)
        {
            Error(node, Child(path, field), $"must be a list (was {Describe(node)})");
            return null;
        }
        if (nonEmpty && array.Count == 0) Error(node, Child(path, field), "must not be empty (omit the field instead)");
        return array;
    }

    public string? String(JsonObject parent, string path, string field, bool required = false)
    {
        var node = parent[field];
        if (node is null)
        {
            if (required) Error(parent, Child(path, field), "is required");
            return null;
        }
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            var text = value.GetValue<string>();
            if (!string.IsNullOrWhiteSpace(text)) return text;
            Error(node, Child(path, field), "must not be empty");
            return null;
        }
        Error(node, Child(path, field), $"must be a string (was {Describe(node)})");
        return null;
    }

    public bool? Bool(JsonObject parent, string path, string field)
    {
        var node = parent[field];
        if (node is null) return null;
        if (node is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False) return value.GetValue<bool>();
        Error(node, Child(path, field), $"must be true or false (was {Describe(node)})");
        return null;
    }

    public long? Integer(JsonObject parent, string path, string field)
    {
        var node = parent[field];
        if (node is null) return null;
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out var number)) return number;
        Error(node, Child(path, field), $"must be an integer (was {Describe(node)})");
        return null;
    }

    /// <summary>Index of the value in <paramref name="allowed"/>, or null (absent or wrong, with an error).</summary>
    public int? Choice(JsonObject parent, string path, string field, IReadOnlyList<string> allowed)
    {
        var text = String(parent, path, field);
        if (text is null) return null;
        for (var i = 0; i < allowed.Count; i++)
        {
            if (allowed[i] == text) return i;
        }
        Error(parent[field], Child(path, field), $"must be one of {string.Join(", ", allowed)} (was '{text}')");
        return null;
    }

    public TimeSpan? Duration(JsonObject parent, string path, string field, bool required = false)
    {
        var text = String(parent, path, field, required);
        if (text is null) return null;
        if (DurationText.TryParse(text, out var duration, out var error)) return duration;
        Error(parent[field], Child(path, field), error);
        return null;
    }

    /// <summary>RFC 3339 date-time with an offset, or a date (meaning the end of that day, UTC).</summary>
    public DateTimeOffset? Timestamp(JsonObject parent, string path, string field, bool required = false)
    {
        var text = String(parent, path, field, required);
        if (text is null) return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            return new DateTimeOffset(date.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        if (text.Length >= 20 && (text.EndsWith('Z') || text[^6] is '+' or '-') &&
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var stamp))
            return stamp;
        Error(parent[field], Child(path, field), $"'{text}' is not a date (2025-12-31) or an RFC 3339 time with a zone (2025-12-31T18:00:00Z)");
        return null;
    }

    /// <summary>Strings of a list, each non-empty; bad items are reported and skipped.</summary>
    public List<string> Strings(JsonObject parent, string path, string field, bool required = false, bool nonEmpty = false)
    {
        var result = new List<string>();
        var array = Array(parent, path, field, required, nonEmpty);
        if (array is null) return result;
        for (var i = 0; i < array.Count; i++)
        {
            var node = array[i];
            if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetValue<string>()))
                result.Add(value.GetValue<string>());
            else
                Error(node ?? array, Item(Child(path, field), i), $"must be a non-empty string (was {Describe(node)})");
        }
        return result;
    }

    /// <summary>A map of string to string (labels, annotations, matchLabels).</summary>
    public Dictionary<string, string> StringMap(JsonObject parent, string path, string field)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var obj = Object(parent, path, field);
        if (obj is null) return result;
        foreach (var (key, node) in obj)
        {
            if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String) result[key] = value.GetValue<string>();
            else Error(node ?? obj, Child(Child(path, field), key), $"must be a string (was {Describe(node)}; quote values such as \"true\" or \"1\")");
        }
        return result;
    }

    public static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "a mapping",
        JsonArray => "a list",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => $"'{v.GetValue<string>()}'",
            JsonValueKind.True or JsonValueKind.False => $"the boolean {v.ToJsonString()}",
            JsonValueKind.Number => $"the number {v.ToJsonString()}",
            _ => v.ToJsonString(),
        },
        _ => node.ToJsonString(),
    };

    // Case slips and one- or two-letter typos ("denySeverty", "identityregex").
    private static bool IsNear(string known, string actual)
    {
        if (string.Equals(known, actual, StringComparison.OrdinalIgnoreCase)) return true;
        if (Math.Abs(known.Length - actual.Length) > 2) return false;
        var previous = new int[actual.Length + 1];
        var current = new int[actual.Length + 1];
        for (var j = 0; j <= actual.Length; j++) previous[j] = j;
        for (var i = 1; i <= known.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= actual.Length; j++)
            {
                var cost = char.ToLowerInvariant(known[i - 1]) == char.ToLowerInvariant(actual[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[actual.Length] <= 2;
    }
}
