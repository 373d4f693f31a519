namespace Gatehouse.Policy.Api;

/// <summary>Query values checked by hand, so a bad one is reported with its name and the allowed range.</summary>
internal static class QueryValues
{
    public static bool TryNumber(string? text, string name, int fallback, int min, int max, out int value, out string? error)
    {
        error = null;
        value = fallback;
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value) && value >= min && value <= max)
            return true;
        value = fallback;
        error = $"{name} '{Shorten(text)}' must be a whole number from {min} to {max}";
        return false;
    }

    public static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
