using System.Diagnostics;
using Gatehouse.Contracts.Decisions;

namespace Gatehouse.Admission.Decisions;

public enum DecisionVerdict { Allow, Warn, Deny }

/// <summary>
/// A decision record whose MAC, digest and profile were verified when it entered the L1, with what the hot
/// path needs precomputed: the verdict, the sentence for the developer and the trace it came from.
/// Versions and expiry are still checked on every use, since they change without the record changing.
/// </summary>
public sealed class CachedDecision
{
    private CachedDecision(DecisionRecord record, DecisionVerdict verdict, string summary, ActivityContext? origin)
    {
        Record = record;
        Verdict = verdict;
        Summary = summary;
        Origin = origin;
    }

    public DecisionRecord Record { get; }

    public DecisionVerdict Verdict { get; }

    /// <summary>The reasons behind the verdict as one sentence list, e.g. "CVE-2023-5678 (High, …) in openssl …".</summary>
    public string Summary { get; }

    /// <summary>The trace that produced the decision (push → scan/verify → decide), when the record names one.</summary>
    public ActivityContext? Origin { get; }

    /// <summary>Verifies a record read from the cache; null with the reason when it must count as unknown.</summary>
    public static CachedDecision? Verify(DecisionRecord record, string profile, string digest, DecisionMac mac, out UnknownReason why)
    {
        // A record copied under another key (digest or profile) would carry a valid MAC: the key is part of the check.
        if (!string.Equals(record.Digest, digest, StringComparison.Ordinal) || !string.Equals(record.Profile, profile, StringComparison.Ordinal))
        {
            why = UnknownReason.Mismatch;
            return null;
        }
        if (!mac.Verify(record))
        {
            why = UnknownReason.BadMac;
            return null;
        }
        DecisionVerdict? verdict = record.Status switch
        {
            DecisionStatus.Allow => DecisionVerdict.Allow,
            DecisionStatus.Warn => DecisionVerdict.Warn,
            DecisionStatus.Deny => DecisionVerdict.Deny,
            _ => null,
        };
        if (verdict is null)
        {
            why = UnknownReason.Malformed;
            return null;
        }
        why = UnknownReason.None;
        ActivityContext? origin = record.TraceParent is { } tp && ActivityContext.TryParse(tp, null, out var context) ? context : null;
        return new CachedDecision(record, verdict.Value, Summarize(record, verdict.Value), origin);
    }

    /// <summary>Null when the record is current for <paramref name="versions"/> at <paramref name="now"/>; else why not.</summary>
    public UnknownReason Currency(DecisionVersions? versions, DateTimeOffset now)
    {
        if (versions is null) return UnknownReason.NoVersions;
        if (!versions.Matches(Record)) return UnknownReason.StaleVersions;
        if (Record.ValidUntil is { } until && until <= now) return UnknownReason.Expired;
        return UnknownReason.None;
    }

    private static string Summarize(DecisionRecord record, DecisionVerdict verdict)
    {
        var effect = verdict switch
        {
            DecisionVerdict.Deny => DecisionStatus.Deny,
            DecisionVerdict.Warn => DecisionStatus.Warn,
            _ => null,
        };
        if (effect is null) return "";
        var relevant = record.Reasons.Where(r => r.Effect == effect).ToList();
        if (relevant.Count == 0) relevant = [.. record.Reasons];
        return relevant.Count == 0 ? $"decided {record.Status} without a stated reason" : string.Join("; ", relevant.Select(r => r.Message));
    }
}

/// <summary>Why an image counts as unknown (logged and traced; the developer sees "not yet analysed").</summary>
public enum UnknownReason
{
    None,
    NotFound,
    TagNotFound,
    BadMac,
    Mismatch,
    Malformed,
    NoVersions,
    StaleVersions,
    Expired,
}
