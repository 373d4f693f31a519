using Gatehouse.Contracts.Messages;
using System.Diagnostics;
using Gatehouse.Admission.BreakGlass;
using Gatehouse.Admission.Profiles;
using Gatehouse.Admission.Wire;
using Gatehouse.Policy.Model;
using Microsoft.Extensions.Logging;
using WorkloadImages = Gatehouse.Admission.Wire.WorkloadImages;

namespace Gatehouse.Admission.Review;

/// <summary>What one profile concluded about a request, before the profiles' conclusions are combined.</summary>
public sealed class ProfileVerdict(AdmissionProfile profile)
{
    public AdmissionProfile Profile { get; } = profile;

    /// <summary>Set when this profile denies the request (after its mode and any break-glass).</summary>
    public string? Denial { get; set; }

    /// <summary>Allocated on first use: most answers have neither warnings nor audit annotations.</summary>
    public List<string> Warnings => _warnings ??= [];

    public Dictionary<string, string> AuditAnnotations => _audit ??= new(StringComparer.Ordinal);

    public bool HasWarnings => _warnings is { Count: > 0 };

    public bool HasAuditAnnotations => _audit is { Count: > 0 };

    private List<string>? _warnings;
    private Dictionary<string, string>? _audit;

    /// <summary>A break-glass this profile honoured; it is used (audited, published) only if the request is admitted.</summary>
    public (BreakGlassGrant Grant, string Denial, List<ImageFinding> Bypassed)? BreakGlass { get; set; }

    public string Outcome { get; set; } = "allowed";

    /// <summary>The profile's finding for each image slot, in slot order (digests for the inventory feed).</summary>
    public IReadOnlyList<ImageFinding> Findings { get; set; } = [];
}

/// <summary>
/// Turns one profile's findings into its verdict (enforce denies, warn mode turns denies into warnings, audit
/// mode admits and records, a valid break-glass admits a deny), then combines the verdicts of every profile that
/// governs the namespace: the request is admitted only if each of them admits it. Scans are requested for
/// unknown images; break-glass uses are audited only when they let the request in. Side effects are queued,
/// never awaited, and skipped for dry runs.
/// </summary>
public sealed partial class ResponseComposer(
    BreakGlassEvaluator breakGlass, SideEffects effects, TimeProvider time, ILogger<ResponseComposer> logger)
{
    /// <summary>Kubernetes shows warnings verbatim; long ones are cut so the reason stays readable.</summary>
    private const int MaxWarningLength = 512;

    public ProfileVerdict Compose(ReviewContext context, AdmissionProfile profile, IReadOnlyList<ImageFinding> findings)
    {
        var verdict = new ProfileVerdict(profile) { Findings = findings };
        List<ImageFinding>? denies = null;
        foreach (var finding in findings)
        {
            if (finding.Effect == FindingEffect.Deny) (denies ??= []).Add(finding);
            else if (finding.Effect == FindingEffect.Warn) verdict.Warnings.Add(Cut(finding.Message));
            if (finding.Code == ImageFindings.NotAnalysed && !context.DryRun) RequestScan(context, profile, finding);
        }

        var annotation = BreakGlassEvaluator.FindAnnotation(context.Object.Metadata, WorkloadImages.PodMetadata(context.Kind, context.Object));
        if (denies is null)
        {
            // Nothing to bypass: an annotation that would not be honoured is pointed out, not enforced.
            if (annotation is not null && breakGlass.Evaluate(annotation, profile, context.Request.UserInfo, context.Object.Metadata, out var ignored) is null)
                verdict.Warnings.Add(Cut($"break-glass annotation ignored: {ignored}"));
            return verdict;
        }

        var denial = $"profile \"{profile.Name}\": {string.Join("; ", denies.Select(d => d.Message))}";
        switch (profile.Mode)
        {
            case PolicyMode.Warn:
                foreach (var deny in denies) verdict.Warnings.Add(Cut($"would be denied (profile \"{profile.Name}\" is in warn mode): {deny.Message}"));
                verdict.Outcome = "warned";
                return verdict;
            case PolicyMode.Audit:
                verdict.AuditAnnotations[$"{profile.Name}.would-deny"] = denial;
                verdict.Outcome = "audited";
                LogAudited(logger, context.ObjectName, context.Namespace, denial);
                return verdict;
        }

        string? refusal = null;
        var grant = annotation is null ? null : breakGlass.Evaluate(annotation, profile, context.Request.UserInfo, context.Object.Metadata, out refusal);
        if (grant is null)
        {
            verdict.Denial = annotation is null ? denial : $"{denial}; break-glass not honoured: {refusal}";
            verdict.Outcome = "denied";
            return verdict;
        }
        var a = grant.Annotation;
        var expires = BreakGlassEvaluator.Format(a.ExpiresAt);
        verdict.Warnings.Add(Cut($"break-glass {a.Ticket ?? "(no ticket)"} by {grant.User} until {expires}, audited: admitted despite {denial}"));
        verdict.AuditAnnotations[$"{profile.Name}.break-glass"] = $"ticket={a.Ticket}; user={grant.User}; basis={grant.Basis}; expires={expires}; reason={a.Reason}";
        verdict.BreakGlass = (grant, denial, denies);
        verdict.Outcome = "break-glass";
        return verdict;
    }

    /// <summary>One answer from every governing profile's verdict; break-glass uses are committed only if it admits.</summary>
    public AdmissionResponse Combine(ReviewContext context, IReadOnlyList<ProfileVerdict> verdicts, Activity? activity)
    {
        List<string>? denials = null;
        foreach (var verdict in verdicts)
        {
            if (verdict.Denial is not null) (denials ??= []).Add(verdict.Denial);
        }
        var allowed = denials is null;
        List<string>? warnings = null;
        Dictionary<string, string>? audit = null;
        foreach (var verdict in verdicts)
        {
            if (verdict.HasWarnings)
            {
                foreach (var warning in verdict.Warnings)
                {
                    if (!(warnings ??= []).Contains(warning, StringComparer.Ordinal)) warnings.Add(warning);
                }
            }
            if (verdict.HasAuditAnnotations)
            {
                foreach (var (key, value) in verdict.AuditAnnotations) (audit ??= new(StringComparer.Ordinal))[key] = value;
                if (verdict.AuditAnnotations.TryGetValue($"{verdict.Profile.Name}.would-deny", out var wouldDeny))
                    activity?.AddEvent(new ActivityEvent("gatehouse.audit.would-deny", tags: new ActivityTagsCollection { ["gatehouse.denial"] = wouldDeny }));
            }
            if (allowed && verdict.BreakGlass is { } used) CommitBreakGlass(context, verdict.Profile, used.Grant, used.Denial, used.Bypassed, activity);
        }

        if (allowed && !context.DryRun && verdicts.Count > 0) FeedInventory(context, verdicts);
        var outcome = !allowed ? "denied" : verdicts.Count == 1 ? verdicts[0].Outcome : string.Join(",", verdicts.Select(v => v.Outcome).Distinct());
        activity?.SetTag("gatehouse.outcome", outcome);
        AdmissionTelemetry.Answers.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        return new AdmissionResponse
        {
            Uid = context.Request.Uid!,
            Allowed = allowed,
            Status = allowed ? null : new ResponseStatus { Code = 403, Reason = "Forbidden", Message = string.Join("; ", denials!) },
            Warnings = warnings,
            AuditAnnotations = audit,
        };
    }

    private void CommitBreakGlass(ReviewContext context, AdmissionProfile profile, BreakGlassGrant grant, string denial, List<ImageFinding> bypassed, Activity? activity)
    {
        var a = grant.Annotation;
        var ticket = a.Ticket ?? "";
        var expires = BreakGlassEvaluator.Format(a.ExpiresAt);
        activity?.SetTag("gatehouse.break_glass.ticket", ticket);
        activity?.SetTag("gatehouse.break_glass.user", grant.User);
        activity?.AddEvent(new ActivityEvent("gatehouse.break-glass", tags: new ActivityTagsCollection
        {
            ["gatehouse.profile"] = profile.Name,
            ["gatehouse.break_glass.ticket"] = ticket,
            ["gatehouse.break_glass.user"] = grant.User,
            ["gatehouse.break_glass.basis"] = grant.Basis,
            ["gatehouse.break_glass.expires"] = expires,
            ["gatehouse.break_glass.reason"] = a.Reason,
            ["gatehouse.denial"] = denial,
        }));
        LogBreakGlass(logger, grant.User, ticket, context.ObjectName, context.Namespace, expires, denial);
        AdmissionTelemetry.BreakGlassUses.Add(1, new KeyValuePair<string, object?>("profile", profile.Name));
        if (context.DryRun) return;
        var now = time.GetUtcNow();
        foreach (var deny in bypassed.DistinctBy(d => d.Digest ?? d.Slot.Image))
        {
            effects.BreakGlassUsed(new BreakGlassUsed(
                context.Namespace, context.ObjectName, deny.Digest ?? deny.Slot.Image, grant.User, ticket, a.ExpiresAt,
                profile.Name, a.Reason, deny.Slot.Image, deny.Text, now));
        }
    }

    /// <summary>The runtime inventory learns what was admitted (its only source where the pod watch is not permitted).</summary>
    private void FeedInventory(ReviewContext context, IReadOnlyList<ProfileVerdict> verdicts)
    {
        // Every profile looked up the same images; the first finding with a digest per slot names what will run.
        var findings = verdicts[0].Findings;
        if (verdicts.Count > 1)
        {
            findings = [.. findings.Select((f, i) => f.Digest is not null ? f : verdicts.Where(v => i < v.Findings.Count).Select(v => v.Findings[i]).FirstOrDefault(o => o.Digest is not null) ?? f)];
        }
        if (AdmittedWorkload.From(context, findings, [.. verdicts.Select(v => v.Profile.Name)], time.GetUtcNow()) is { } admitted) effects.WorkloadAdmitted(admitted);
    }

    private void RequestScan(ReviewContext context, AdmissionProfile profile, ImageFinding finding)
    {
        if (!Contracts.ImageReference.TryParse(finding.Slot.Image, out var reference, out _)) return;
        var target = finding.Digest is { } digest && reference.Digest is null ? reference.WithDigest(digest) : reference;
        effects.RequestScan(target.ToString(), $"admission: not yet analysed, seen in namespace {context.Namespace} under profile {profile.Name}");
    }

    private static string Cut(string warning) => warning.Length <= MaxWarningLength ? warning : warning[..(MaxWarningLength - 1)] + "…";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit mode admitted {Object} in {Namespace}, which enforce mode would deny: {Denial}")]
    private static partial void LogAudited(ILogger logger, string @object, string @namespace, string denial);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Break-glass by {User} (ticket {Ticket}) admitted {Object} in {Namespace} until {Expires} despite: {Denial}")]
    private static partial void LogBreakGlass(ILogger logger, string user, string ticket, string @object, string @namespace, string expires, string denial);
}
