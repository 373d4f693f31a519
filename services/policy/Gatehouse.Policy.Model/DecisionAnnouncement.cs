using System.Diagnostics.CodeAnalysis;
using Gatehouse.Contracts;

namespace Gatehouse.Policy.Model;

/// <summary>
/// A message on <see cref="StoreKeys.DecisionChannel"/>: <c>"{profile} {digest}"</c> when one decision changed,
/// <c>"{profile}"</c> when the profile's versions changed (every cached decision of it is to be re-read).
/// Profiles are DNS labels and digests have no spaces, so one space separates them unambiguously.
/// </summary>
public sealed record DecisionAnnouncement(string Profile, string? Digest)
{
    public string Format() => Digest is null ? Profile : Profile + " " + Digest;

    public override string ToString() => Format();

    public static bool TryParse(string? message, [NotNullWhen(true)] out DecisionAnnouncement? announcement)
    {
        announcement = null;
        if (string.IsNullOrWhiteSpace(message)) return false;
        var space = message.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0)
        {
            announcement = new DecisionAnnouncement(message, null);
            return true;
        }
        var digest = message[(space + 1)..];
        if (space == 0 || !ContentDigest.IsValid(digest)) return false;
        announcement = new DecisionAnnouncement(message[..space], digest);
        return true;
    }
}
