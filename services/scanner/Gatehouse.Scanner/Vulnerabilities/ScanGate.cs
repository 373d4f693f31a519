using Gatehouse.Scanner.Advisories;
using Gatehouse.Scanner.Advisories.Severity;

namespace Gatehouse.Scanner.Vulnerabilities;

/// <summary>
/// The CI gate of <c>gatehouse scan</c>: which findings a user sees (<c>--ignore-unfixed</c> hides affected findings
/// without a fixed version, as Trivy's flag does) and whether a <c>--fail-on</c> threshold is met (an affected,
/// unsuppressed finding at or above the level). Not-evaluated and suppressed findings never fail a build.
/// </summary>
public static class ScanGate
{
    public static bool TryParseLevel(string? text, out SeverityLevel level)
    {
        level = text?.Trim().ToUpperInvariant() switch
        {
            "CRITICAL" => SeverityLevel.Critical,
            "HIGH" => SeverityLevel.High,
            "MEDIUM" => SeverityLevel.Medium,
            "LOW" => SeverityLevel.Low,
            _ => SeverityLevel.Unknown,
        };
        return level != SeverityLevel.Unknown;
    }

    /// <summary>The report as shown: with <paramref name="ignoreUnfixed"/>, affected findings without a fix are left out.</summary>
    public static VulnerabilityReport Filter(VulnerabilityReport report, bool ignoreUnfixed)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (!ignoreUnfixed)
        {
            return report;
        }
        var kept = report.Findings.Where(f => f.Status != FindingStatus.Affected || f.FixState == FixState.Fixed).ToList();
        return report with { Findings = kept, Summary = ReportSummary.Of(kept, report.UnevaluatedPackages, report.Summary.Packages) };
    }

    /// <summary>The findings that meet the threshold (affected, not suppressed, severity at or above it).</summary>
    public static IReadOnlyList<Finding> Failing(VulnerabilityReport report, SeverityLevel threshold)
    {
        ArgumentNullException.ThrowIfNull(report);
        return [.. report.Findings.Where(f => f.Status == FindingStatus.Affected && f.Severity.Level >= threshold)];
    }
}
