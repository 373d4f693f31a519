using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Gatehouse.Admission.BreakGlass;

/// <summary>
/// The break-glass annotation: <c>gatehouse.dev/break-glass: "ticket=INC-123; reason=hotfix for the outage;
/// expires=2026-11-28T10:00:00Z"</c>. Fields are <c>key=value</c> separated by ';' (so a reason cannot contain
/// ';'); <c>reason</c> and <c>expires</c> (RFC 3339 with a zone) are required, <c>ticket</c> is required when the
/// profile says so. Unknown or repeated fields are errors, so a typo never silently weakens the record.
/// </summary>
public sealed record BreakGlassAnnotation(string? Ticket, string Reason, DateTimeOffset ExpiresAt)
{
    public const string Name = "gatehouse.dev/break-glass";
    public const int MaxReasonLength = 256;
    public const int MaxTicketLength = 64;

    public static bool TryParse(string? value, [NotNullWhen(true)] out BreakGlassAnnotation? annotation, [NotNullWhen(false)] out string? error)
    {
        annotation = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            error = $"annotation {Name} is empty (expected \"ticket=…; reason=…; expires=<RFC 3339 time>\")";
            return false;
        }
        string? ticket = null, reason = null, expires = null;
        foreach (var part in value.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                error = $"annotation {Name}: '{part}' is not key=value";
                return false;
            }
            var key = part[..eq].Trim();
            var field = part[(eq + 1)..].Trim();
            ref var slot = ref ticket;
            switch (key)
            {
                case "ticket": slot = ref ticket; break;
                case "reason": slot = ref reason; break;
                case "expires": slot = ref expires; break;
                default:
                    error = $"annotation {Name}: unknown field '{key}' (expected ticket, reason, expires)";
                    return false;
            }
            if (slot is not null)
            {
                error = $"annotation {Name}: field '{key}' is given twice";
                return false;
            }
            slot = field;
        }
        error = Validate(ticket, reason, expires, out var expiresAt);
        if (error is not null) return false;
        annotation = new BreakGlassAnnotation(string.IsNullOrEmpty(ticket) ? null : ticket, reason!, expiresAt);
        return true;
    }

    private static string? Validate(string? ticket, string? reason, string? expires, out DateTimeOffset expiresAt)
    {
        expiresAt = default;
        if (string.IsNullOrWhiteSpace(reason)) return $"annotation {Name} has no reason (reason=…)";
        if (reason.Length > MaxReasonLength) return $"annotation {Name}: the reason is longer than {MaxReasonLength} characters";
        if (ticket is { Length: > 0 } && (ticket.Length > MaxTicketLength || !ticket.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or '#' or ':')))
            return $"annotation {Name}: ticket '{ticket}' must be up to {MaxTicketLength} letters, digits or - _ . / # :";
        if (string.IsNullOrWhiteSpace(expires)) return $"annotation {Name} has no expiry (expires=<RFC 3339 time, e.g. 2026-11-28T10:00:00Z>)";
        // A zone is required: a local time would mean different instants on different machines.
        var hasZone = expires.EndsWith('Z') || expires.EndsWith('z') || (expires.Length > 6 && expires[^6] is '+' or '-' && expires[^3] == ':');
        if (!hasZone || !DateTimeOffset.TryParse(expires, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out expiresAt) || !expires.Contains('T', StringComparison.OrdinalIgnoreCase))
            return $"annotation {Name}: expires '{expires}' is not an RFC 3339 time with a zone (e.g. 2026-11-28T10:00:00Z)";
        return null;
    }
}
