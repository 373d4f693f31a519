using Gatehouse.Admission.Decisions;
using Gatehouse.Admission.Profiles;
using Gatehouse.Admission.Wire;
using Gatehouse.Policy.Model;

namespace Gatehouse.Admission.Review;

public enum FindingEffect { Allow, Warn, Deny }

/// <summary>What admission concluded about one container's image, with the sentence the developer reads.</summary>
/// <param name="Code">Stable code: image-invalid, registry-not-approved, digest-required, decision-deny, decision-warn,
/// not-analysed, no-decision-in-time, or decision-allow.</param>
/// <param name="Digest">The image's digest when known (pinned or resolved from the tag map).</param>
public sealed record ImageFinding(ImageSlot Slot, FindingEffect Effect, string Code, string Text, string? Digest)
{
    /// <summary><c>container "web" image "nginx:1.25": …</c></summary>
    public string Message => $"{Slot.Describe()} image \"{Slot.Image}\": {Text}";
}

/// <summary>The checks made without any lookup, and the translation of a lookup into a finding.</summary>
public static class ImageFindings
{
    public const string NotAnalysedScanRequested = "not yet analysed — scan requested";

    /// <summary>The code of findings about images without a current decision (they get a scan requested).</summary>
    public const string NotAnalysed = "not-analysed";

    /// <summary>A finding from the local checks (reference syntax, approved registries, digest pinning), or null.</summary>
    public static ImageFinding? CheckLocally(ImageSlot slot, ParsedImage image, AdmissionProfile profile)
    {
        if (image.Reference is not { } reference)
            return new ImageFinding(slot, FindingEffect.Deny, "image-invalid", $"not a valid image reference ({image.Error})", null);
        if (!profile.Approves(image.FullName))
            return new ImageFinding(slot, FindingEffect.Deny, "registry-not-approved",
                $"{reference.FullName} is not in an approved registry for profile \"{profile.Name}\" (approved: {profile.ApprovedList})",
                reference.Digest);
        if (profile.RequireDigest && reference.Digest is null)
            return new ImageFinding(slot, FindingEffect.Deny, "digest-required",
                $"profile \"{profile.Name}\" requires images pinned by digest (name@sha256:…)", null);
        return null;
    }

    public static ImageFinding FromLookup(ImageSlot slot, in ImageLookup lookup, AdmissionProfile profile, TimeSpan deadline, bool dryRun) =>
        lookup.State switch
        {
            LookupState.Decided => FromDecision(slot, lookup.Decision!, lookup.Digest),
            LookupState.Unknown => profile.UnknownImages == UnknownImageAction.DenyAndScan
                ? new ImageFinding(slot, FindingEffect.Deny, "not-analysed",
                    dryRun ? "not yet analysed (dry run: no scan requested)" : NotAnalysedScanRequested, lookup.Digest)
                : new ImageFinding(slot, FindingEffect.Warn, "not-analysed",
                    dryRun ? "not yet analysed; allowed without a decision (dry run: no scan requested)"
                           : "not yet analysed — scan requested; allowed without a decision", lookup.Digest),
            _ => profile.FailureMode == FailureMode.Deny
                ? new ImageFinding(slot, FindingEffect.Deny, "no-decision-in-time",
                    $"no decision could be read within {deadline.TotalMilliseconds:0} ms (decision store unavailable); profile \"{profile.Name}\" fails closed",
                    lookup.Digest)
                : new ImageFinding(slot, FindingEffect.Warn, "no-decision-in-time",
                    $"no decision could be read within {deadline.TotalMilliseconds:0} ms (decision store unavailable); admitted because profile \"{profile.Name}\" fails open",
                    lookup.Digest),
        };

    private static ImageFinding FromDecision(ImageSlot slot, CachedDecision decision, string? digest) => decision.Verdict switch
    {
        DecisionVerdict.Deny => new ImageFinding(slot, FindingEffect.Deny, "decision-deny", decision.Summary, digest),
        DecisionVerdict.Warn => new ImageFinding(slot, FindingEffect.Warn, "decision-warn", decision.Summary, digest),
        _ => new ImageFinding(slot, FindingEffect.Allow, "decision-allow", "", digest),
    };
}
