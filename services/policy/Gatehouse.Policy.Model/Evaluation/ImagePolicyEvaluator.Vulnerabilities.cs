using Gatehouse.Contracts.Decisions;

namespace Gatehouse.Policy.Model;

public static partial class ImagePolicyEvaluator
{
    /// <summary>Findings named one by one; the rest are counted in one reason, so records and messages stay small.</summary>
    public const int MaxFindingReasons = 10;

    /// <returns>When the decision stops holding: the scan reaching its maximum age, or an applied allow-list entry expiring.</returns>
    private static DateTimeOffset? CheckVulnerabilities(
        ImagePolicySpec spec, VulnerabilityPolicy policy, ImageFacts facts, DateTimeOffset now, List<DecisionReason> reasons, List<string> unknown)
    {
        if (facts.Vulnerabilities is not { } report)
        {
            reasons.Add(Unknown(spec, facts, [Facets.Vulnerabilities, Facets.Sbom], ReasonCodes.VulnerabilitiesUnknown,
                "the image has not been scanned for vulnerabilities yet", unknown));
            return null;
        }

        DateTimeOffset? validUntil = null;
        if (policy.MaxScanAge is { } maxAge)
        {
            var age = now - report.EvaluatedAt;
            validUntil = report.EvaluatedAt + maxAge;
            if (age > maxAge)
            {
                reasons.Add(new DecisionReason(ReasonCodes.ScanTooOld,
                    $"the vulnerability scan is {DurationText.Format(TruncateToMinutes(age))} old (maximum {DurationText.Format(maxAge)}); the image must be rescanned",
                    DecisionStatus.Deny));
            }
        }
        if (policy.DenySeverity is not { } threshold) return validUntil;

        var denied = new List<FindingFact>();
        var allowed = new List<(FindingFact Finding, VulnerabilityException Entry)>();
        var expired = new List<(FindingFact Finding, VulnerabilityException Entry)>();
        foreach (var finding in report.Findings
                     .Where(f => f.Severity != VulnerabilitySeverity.Unknown && f.Severity >= threshold && (!policy.OnlyFixable || f.Fixable))
                     .OrderByDescending(f => f.Severity).ThenByDescending(f => f.Fixable)
                     .ThenBy(f => f.Id, StringComparer.Ordinal).ThenBy(f => f.Package, StringComparer.Ordinal))
        {
            var entries = policy.Allow.Where(e => finding.IsKnownAs(e.Id)).ToList();
            if (entries.FirstOrDefault(e => e.Expires > now) is { } active)
            {
                allowed.Add((finding, active));
                validUntil = Earliest(validUntil, active.Expires);
            }
            else if (entries.Count > 0) expired.Add((finding, entries[0]));
            else denied.Add(finding);
        }

        foreach (var (finding, entry) in expired)
        {
            reasons.Add(new DecisionReason(ReasonCodes.VulnerabilityExceptionExpired,
                $"{finding.Describe()}: its allow-list entry {entry.Id} expired at {VulnerabilityException.DescribeExpiry(entry.Expires)} (\"{entry.Reason}\")", DecisionStatus.Deny));
        }
        foreach (var finding in denied.Take(Math.Max(0, MaxFindingReasons - expired.Count)))
            reasons.Add(new DecisionReason(ReasonCodes.Vulnerability(finding.Severity, finding.Fixable), finding.Describe(), DecisionStatus.Deny));
        var notNamed = denied.Count - Math.Max(0, MaxFindingReasons - expired.Count);
        if (notNamed > 0)
        {
            reasons.Add(new DecisionReason(ReasonCodes.VulnerabilityMore,
                $"and {notNamed} more {(notNamed == 1 ? "finding" : "findings")} at or above {threshold.ToDisplay()}{(policy.OnlyFixable ? " with a fix" : "")}", DecisionStatus.Deny));
        }
        foreach (var (finding, entry) in allowed.Take(MaxFindingReasons))
        {
            reasons.Add(new DecisionReason(ReasonCodes.VulnerabilityAllowed,
                $"{finding.Describe()}: allowed until {VulnerabilityException.DescribeExpiry(entry.Expires)} (\"{entry.Reason}\")", DecisionStatus.Allow));
        }
        if (denied.Count == 0 && expired.Count == 0)
        {
            var scope = policy.OnlyFixable ? " with a fix" : "";
            var accepted = allowed.Count > 0 ? $" other than {allowed.Count} allow-listed" : "";
            reasons.Add(new DecisionReason(ReasonCodes.VulnerabilitiesAcceptable,
                $"no vulnerabilities at or above {threshold.ToDisplay()}{scope}{accepted} (advisory data {Short(report.AdvisoryDataVersion)})", DecisionStatus.Allow));
        }
        return validUntil;
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? current, DateTimeOffset candidate) =>
        current is { } c && c <= candidate ? c : candidate;

    private static TimeSpan TruncateToMinutes(TimeSpan value) => TimeSpan.FromMinutes(Math.Floor(value.TotalMinutes));

    private static string Short(string version) => version.Length > 19 ? version[..19] : version;
}
