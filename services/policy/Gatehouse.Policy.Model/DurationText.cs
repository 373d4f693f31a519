using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Gatehouse.Policy.Model;

/// <summary>
/// Durations as Kubernetes users write them (Go's <c>time.ParseDuration</c>: <c>90s</c>, <c>15m</c>, <c>1h30m</c>,
/// <c>1.5h</c>) plus <c>d</c> for days, which scan ages and break-glass windows need.
/// </summary>
public static class DurationText
{
    public static bool TryParse(string? text, out TimeSpan duration, [NotNullWhen(false)] out string? error)
    {
        duration = TimeSpan.Zero;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "duration is empty";
            return false;
        }
        var total = 0.0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.')) i++;
            if (i == start || !double.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                error = $"'{text}' is not a duration (examples: 90s, 15m, 24h, 7d, 1h30m)";
                return false;
            }
            var unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i])) i++;
            if (i == unitStart)
            {
                error = $"'{text}' is not a duration (examples: 90s, 15m, 24h, 7d, 1h30m)";
                return false;
            }
            double? seconds = text[unitStart..i] switch
            {
                "ms" => 0.001,
                "s" => 1,
                "m" => 60,
                "h" => 3600,
                "d" => 86400,
                _ => null,
            };
            if (seconds is null)
            {
                error = $"'{text}' has the unit '{text[unitStart..i]}' (use ms, s, m, h or d)";
                return false;
            }
            total += number * seconds.Value;
        }
        if (total <= 0 || total > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            error = $"duration '{text}' must be positive";
            return false;
        }
        duration = TimeSpan.FromSeconds(total);
        return true;
    }

    /// <summary>The shortest form that parses back to the same value, e.g. <c>7d</c>, <c>1h30m</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero) return "0s";
        var text = new StringBuilder();
        Append(text, duration.Days, "d");
        Append(text, duration.Hours, "h");
        Append(text, duration.Minutes, "m");
        Append(text, duration.Seconds, "s");
        Append(text, duration.Milliseconds, "ms");
        return text.ToString();

        static void Append(StringBuilder text, int value, string unit)
        {
            if (value > 0) text.Append(value.ToString(CultureInfo.InvariantCulture)).Append(unit);
        }
    }
}
