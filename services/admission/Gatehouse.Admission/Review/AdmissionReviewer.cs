using System.Diagnostics;
using Gatehouse.Admission.Decisions;
using Gatehouse.Admission.Profiles;
using Gatehouse.Admission.Wire;
using Microsoft.Extensions.Options;

namespace Gatehouse.Admission.Review;

/// <summary>Everything the webhook needs to know about one request after the envelope was checked.</summary>
public sealed record ReviewContext(AdmissionRequest Request, GroupVersionKind Kind, WorkloadObject Object, long StartedAt)
{
    public bool DryRun => Request.DryRun == true;

    /// <summary>The request's namespace (the API server always sends it for namespaced kinds; "default" otherwise).</summary>
    public string Namespace => Request.Namespace ?? Object.Metadata?.Namespace ?? "default";

    /// <summary><c>Deployment/web</c>, or <c>Pod/web-*</c> for an object named by generateName.</summary>
    public string ObjectName => $"{Kind.Kind}/{Request.Name ?? Object.Metadata?.Name ?? (Object.Metadata?.GenerateName is { } g ? g + "*" : "?")}";
}

/// <summary>
/// The validating and mutating webhooks' logic: images of every container → local checks → one cache lookup
/// per governing profile (all of them concurrently, pipelined on one connection) → findings → one answer
/// shaped by each profile's mode and any break-glass. No I/O but the decision cache.
/// </summary>
public sealed class AdmissionReviewer(
    IAdmissionProfiles profiles, NamespaceLabels namespaces, ParsedImages parsedImages, DecisionCache cache, ResponseComposer composer,
    IOptions<AdmissionOptions> options)
{
    private readonly AdmissionOptions _options = options.Value;

    public async Task<AdmissionResponse> ValidateAsync(ReviewContext context, Activity? activity, CancellationToken cancellationToken) =>
        await ValidateAsync(context, await GoverningAsync(context, cancellationToken), activity, cancellationToken);

    public async Task<AdmissionResponse> MutateAsync(ReviewContext context, Activity? activity, CancellationToken cancellationToken) =>
        await MutateAsync(context, await GoverningAsync(context, cancellationToken), activity, cancellationToken);

    /// <summary>The namespace's profiles; a watched namespace not delivered yet is waited for briefly (no API call).</summary>
    private ValueTask<IReadOnlyList<AdmissionProfile>> GoverningAsync(ReviewContext context, CancellationToken cancellationToken)
    {
        if (!namespaces.Watched || namespaces.Contains(context.Namespace)) return ValueTask.FromResult(profiles.ForNamespace(context.Namespace));
        return WaitThenResolveAsync();

        async ValueTask<IReadOnlyList<AdmissionProfile>> WaitThenResolveAsync()
        {
            var wait = TimeSpan.FromTicks(Math.Min(_options.UnknownNamespaceWait.Ticks, Budget(context.StartedAt).Ticks / 2));
            await namespaces.WaitForAsync(context.Namespace, wait, cancellationToken);
            return profiles.ForNamespace(context.Namespace);
        }
    }

    /// <summary>Validates under the given profiles (those governing the request's namespace, or all of them for warm-up).</summary>
    public async Task<AdmissionResponse> ValidateAsync(
        ReviewContext context, IReadOnlyList<AdmissionProfile> governing, Activity? activity, CancellationToken cancellationToken)
    {
        activity?.SetTag("gatehouse.profile", Names(governing));
        if (governing.Count == 0) return Ungoverned(context, activity);
        var slots = WorkloadImages.Extract(context.Kind, context.Object);
        var parsed = Parse(slots);
        var verdicts = new ProfileVerdict[governing.Count];
        if (governing.Count == 1)
        {
            verdicts[0] = Trace(await ReviewAsync(context, governing[0], slots, parsed, cancellationToken), activity);
        }
        else
        {
            var reviews = new Task<(ProfileVerdict, ImageLookup[])>[governing.Count];
            for (var p = 0; p < governing.Count; p++) reviews[p] = ReviewAsync(context, governing[p], slots, parsed, cancellationToken);
            for (var p = 0; p < governing.Count; p++) verdicts[p] = Trace(await reviews[p], activity);
        }
        return composer.Combine(context, verdicts, activity);
    }

    /// <summary>Pins every tag that the tag map resolves: <c>name@sha256:…</c>, so the kubelet runs what was decided.</summary>
    public async Task<AdmissionResponse> MutateAsync(
        ReviewContext context, IReadOnlyList<AdmissionProfile> governing, Activity? activity, CancellationToken cancellationToken)
    {
        activity?.SetTag("gatehouse.profile", Names(governing));
        if (governing.Count == 0) return new AdmissionResponse { Uid = context.Request.Uid!, Allowed = true };
        var slots = WorkloadImages.Extract(context.Kind, context.Object);
        var parsed = Parse(slots);
        var skip = new ImageFinding?[slots.Count];
        for (var i = 0; i < slots.Count; i++)
        {
            // Only tags need resolving; an invalid or already pinned image is left for the validating webhook.
            if (parsed[i].Reference is null || parsed[i].Digest is not null)
                skip[i] = new ImageFinding(slots[i], FindingEffect.Allow, "unchanged", "", parsed[i].Digest);
        }
        // The tag map is the same for every profile; the first one's decisions are read along and warm the L1
        // for the validating call that follows.
        var lookups = await LookupAsync(context, governing[0], slots, parsed, skip, localChecks: false, cancellationToken);
        List<PatchOperation>? patch = null;
        List<string>? warnings = null;
        for (var i = 0; i < slots.Count; i++)
        {
            if (skip[i] is not null) continue;
            if (lookups[i].Digest is { } digest)
            {
                (patch ??= []).Add(new PatchOperation(slots[i].ImagePointer, parsed[i].Pinned(digest)));
            }
            else
            {
                (warnings ??= []).Add($"{slots[i].Describe()} image \"{slots[i].Image}\": not pinned to a digest " +
                    (lookups[i].State == LookupState.Unavailable ? "(tag map unavailable in time)" : "(tag not yet seen by the registry watcher)"));
            }
        }
        activity?.SetTag("gatehouse.pinned", patch?.Count ?? 0);
        return new AdmissionResponse
        {
            Uid = context.Request.Uid!,
            Allowed = true,
            Patch = patch is null ? null : JsonPatch.Serialize(patch),
            PatchType = patch is null ? null : JsonPatch.PatchType,
            Warnings = warnings,
        };
    }

    private async Task<(ProfileVerdict, ImageLookup[])> ReviewAsync(
        ReviewContext context, AdmissionProfile profile, List<ImageSlot> slots, ParsedImage[] parsed, CancellationToken cancellationToken)
    {
        var findings = new ImageFinding?[slots.Count];
        var lookups = await LookupAsync(context, profile, slots, parsed, findings, localChecks: true, cancellationToken);
        for (var i = 0; i < slots.Count; i++)
        {
            findings[i] ??= ImageFindings.FromLookup(slots[i], lookups[i], profile, _options.Deadline, context.DryRun);
        }
        return (composer.Compose(context, profile, findings!), lookups);
    }

    /// <summary>Links the span to the traces that produced the decisions used ("why was this admitted").</summary>
    private static ProfileVerdict Trace((ProfileVerdict Verdict, ImageLookup[] Lookups) review, Activity? activity)
    {
        if (activity is null) return review.Verdict;
        foreach (var lookup in review.Lookups)
        {
            if (lookup.Decision?.Origin is { } origin) Link(activity, origin);
            if (lookup.Staleness is { } stale) activity.SetTag("gatehouse.l1.staleness_ms", stale.TotalMilliseconds);
        }
        return review.Verdict;
    }

    /// <summary>Runs the local checks (into <paramref name="findings"/>) and looks up every image still open.</summary>
    private async ValueTask<ImageLookup[]> LookupAsync(
        ReviewContext context, AdmissionProfile profile, List<ImageSlot> slots, ParsedImage[] parsed, ImageFinding?[] findings,
        bool localChecks, CancellationToken cancellationToken)
    {
        var open = 0;
        for (var i = 0; i < slots.Count; i++)
        {
            if (localChecks) findings[i] ??= ImageFindings.CheckLocally(slots[i], parsed[i], profile);
            if (findings[i] is null) open++;
        }
        var lookups = new ImageLookup[slots.Count];
        if (open == 0) return lookups;
        var queries = new ImageQuery[open];
        var answers = new ImageLookup[open];
        for (int i = 0, q = 0; i < slots.Count; i++)
        {
            if (findings[i] is null) queries[q++] = new ImageQuery(parsed[i].Digest, parsed[i].TagMapKey);
        }
        await cache.LookupAsync(profile.Name, queries, answers, Budget(context.StartedAt), cancellationToken);
        for (int i = 0, q = 0; i < slots.Count; i++)
        {
            if (findings[i] is null) lookups[i] = answers[q++];
        }
        return lookups;
    }

    private ParsedImage[] Parse(List<ImageSlot> slots)
    {
        var parsed = new ParsedImage[slots.Count];
        for (var i = 0; i < parsed.Length; i++) parsed[i] = parsedImages.Get(slots[i].Image);
        return parsed;
    }

    private static AdmissionResponse Ungoverned(ReviewContext context, Activity? activity)
    {
        activity?.SetTag("gatehouse.outcome", "ungoverned");
        AdmissionTelemetry.Answers.Add(1, new KeyValuePair<string, object?>("outcome", "ungoverned"));
        return new AdmissionResponse { Uid = context.Request.Uid!, Allowed = true };
    }

    /// <summary>What is left of the deadline for the store, keeping a margin to compose and write the answer.</summary>
    private TimeSpan Budget(long startedAt)
    {
        var margin = TimeSpan.FromTicks(Math.Min(_options.Deadline.Ticks / 10, TimeSpan.FromMilliseconds(20).Ticks));
        return _options.Deadline - Stopwatch.GetElapsedTime(startedAt) - margin;
    }

    private static string Names(IReadOnlyList<AdmissionProfile> profiles) =>
        profiles.Count == 1 ? profiles[0].Name : string.Join(",", profiles.Select(p => p.Name));

    private static void Link(Activity activity, ActivityContext origin)
    {
        foreach (var link in activity.Links)
        {
            if (link.Context.TraceId == origin.TraceId && link.Context.SpanId == origin.SpanId) return;
        }
        activity.AddLink(new ActivityLink(origin));
    }
}
