using Gatehouse.Contracts.Decisions;
using Gatehouse.Policy.Api;

namespace Gatehouse.Policy.Dashboard;

/// <summary>
/// The image list's query: <c>q</c> (text in the name, a tag or the digest, case-insensitive), <c>status</c>
/// (allow, warn or deny under any profile, or under <c>profile</c> only), <c>offset</c> and <c>limit</c> (1–200).
/// </summary>
public sealed record ImageFilter(string? Text, string? Status, string? Profile, int Offset, int Limit)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;
    public const int MaxTextLength = 200;

    public bool Matches(ImageCatalog.Names names)
    {
        ArgumentNullException.ThrowIfNull(names);
        return Text is null
            || names.Digest.Contains(Text, StringComparison.OrdinalIgnoreCase)
            || names.Name.Contains(Text, StringComparison.OrdinalIgnoreCase)
            || names.Tags.Any(t => t.Contains(Text, StringComparison.OrdinalIgnoreCase));
    }

    /// <param name="profiles">The profiles with decisions (a named profile must be one of them).</param>
    public static bool TryParse(string? q, string? status, string? profile, string? offset, string? limit, IReadOnlyList<string> profiles,
        out ImageFilter? filter, out string? error)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        filter = null;
        var text = string.IsNullOrWhiteSpace(q) ? null : q.Trim();
        error = text switch
        {
            { Length: > MaxTextLength } => $"the filter text is longer than {MaxTextLength} characters",
            not null when text.Any(char.IsControl) => "the filter text contains control characters",
            _ => null,
        };
        var wantedStatus = string.IsNullOrWhiteSpace(status) ? null : status.Trim().ToLowerInvariant();
        var wantedProfile = string.IsNullOrWhiteSpace(profile) ? null : profile.Trim();
        error ??= wantedStatus is null or DecisionStatus.Allow or DecisionStatus.Warn or DecisionStatus.Deny ? null
            : $"status '{QueryValues.Shorten(status!)}' is not one of {DecisionStatus.Allow}, {DecisionStatus.Warn}, {DecisionStatus.Deny}";
        error ??= wantedProfile is null || profiles.Contains(wantedProfile, StringComparer.Ordinal) ? null
            : $"no decisions exist for profile '{QueryValues.Shorten(wantedProfile)}'; known profiles: {(profiles.Count == 0 ? "none yet" : string.Join(", ", profiles))}";
        error ??= wantedProfile is not null && wantedStatus is null ? "profile filters the decision status: give status too" : null;
        if (error is not null) return false;
        if (!QueryValues.TryNumber(offset, "offset", 0, 0, int.MaxValue, out var skip, out error)) return false;
        if (!QueryValues.TryNumber(limit, "limit", DefaultLimit, 1, MaxLimit, out var take, out error)) return false;
        filter = new ImageFilter(text, wantedStatus, wantedProfile, skip, take);
        return true;
    }
}
