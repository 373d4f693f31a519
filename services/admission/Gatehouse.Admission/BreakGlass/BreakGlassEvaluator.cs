using System.Globalization;
using Gatehouse.Admission.Profiles;
using Gatehouse.Admission.Wire;
using Microsoft.Extensions.Options;

namespace Gatehouse.Admission.BreakGlass;

/// <summary>A break-glass that may be used: the annotation, the requesting user and on what basis they may.</summary>
public sealed record BreakGlassGrant(BreakGlassAnnotation Annotation, string User, string Basis);

/// <summary>
/// Decides whether a break-glass annotation is honoured: the profile must allow break-glass, the user or one of
/// their groups must be allowed, the expiry must lie in the future and within the profile's maximum duration,
/// and a ticket must be named when the profile requires one. Objects that a controller creates for an owner
/// (a ReplicaSet's pods) inherit the owner's admission: the person was checked when the owner was admitted.
/// </summary>
public sealed class BreakGlassEvaluator(IOptions<AdmissionOptions> options, TimeProvider time)
{
    private readonly IReadOnlyList<string> _controllerPrefixes = options.Value.TrustedControllerUserPrefixes;

    /// <summary>The annotation on the object, else on its pod template (where controllers copy it from).</summary>
    public static string? FindAnnotation(ObjectMeta? objectMeta, ObjectMeta? podMeta)
    {
        if (objectMeta?.Annotations?.TryGetValue(BreakGlassAnnotation.Name, out var onObject) == true) return onObject;
        return podMeta?.Annotations?.TryGetValue(BreakGlassAnnotation.Name, out var onTemplate) == true ? onTemplate : null;
    }

    /// <returns>The grant, or null with <paramref name="refusal"/> saying exactly why it is not honoured.</returns>
    public BreakGlassGrant? Evaluate(string annotation, AdmissionProfile profile, UserInfo? user, ObjectMeta? objectMeta, out string? refusal)
    {
        if (profile.BreakGlass is not { } settings)
        {
            refusal = $"profile '{profile.Name}' does not allow break-glass";
            return null;
        }
        if (!BreakGlassAnnotation.TryParse(annotation, out var parsed, out refusal)) return null;
        if (settings.TicketRequired && parsed.Ticket is null)
        {
            refusal = $"profile '{profile.Name}' requires a ticket in the break-glass annotation (ticket=…)";
            return null;
        }
        var now = time.GetUtcNow();
        if (parsed.ExpiresAt <= now)
        {
            refusal = $"break-glass expired at {Format(parsed.ExpiresAt)}";
            return null;
        }
        if (parsed.ExpiresAt - now > settings.MaxDuration)
        {
            refusal = $"break-glass expires at {Format(parsed.ExpiresAt)}, more than the {Describe(settings.MaxDuration)} profile '{profile.Name}' allows from now";
            return null;
        }
        var username = user?.Username ?? "";
        var basis = Authorize(settings, user, username, objectMeta);
        if (basis is null)
        {
            var groups = user?.Groups is { Count: > 0 } g ? string.Join(", ", g) : "none";
            var allowed = string.Join(", ", settings.AllowedGroups.Select(x => "group " + x).Concat(settings.AllowedUsers.Select(x => "user " + x)));
            refusal = $"user '{username}' (groups: {groups}) may not break glass in profile '{profile.Name}' (allowed: {allowed})";
            return null;
        }
        refusal = null;
        return new BreakGlassGrant(parsed, username, basis);
    }

    public static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private string? Authorize(Policy.Model.BreakGlassPolicy settings, UserInfo? user, string username, ObjectMeta? objectMeta)
    {
        if (username.Length > 0 && settings.AllowedUsers.Contains(username, StringComparer.Ordinal)) return $"user {username}";
        foreach (var group in user?.Groups ?? [])
        {
            if (settings.AllowedGroups.Contains(group, StringComparer.Ordinal)) return $"group {group}";
        }
        var owner = objectMeta?.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
        if (owner is not null && username.Length > 0 && _controllerPrefixes.Any(p => username.StartsWith(p, StringComparison.Ordinal)))
            return $"owner {owner.Kind}/{owner.Name}, admitted with the same break-glass";
        return null;
    }

    private static string Describe(TimeSpan span) =>
        span.TotalHours >= 1 && span.Minutes == 0 && span.Seconds == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0.#} h")
            : string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0.#} min");
}
