using Gatehouse.Scanner.Advisories;

namespace Gatehouse.Scanner.Vulnerabilities;

/// <summary>The human view of a report: one row per finding, most severe first, then a summary line.</summary>
public static class ReportTableWriter
{
    private static readonly string[] Header = ["PACKAGE", "INSTALLED", "VULNERABILITY", "SEVERITY", "FIXED IN", "STATUS"];

    public static async Task WriteAsync(VulnerabilityReport report, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        var rows = report.Findings.Select(f => new[]
        {
            f.Package.SourceName is { } source && source != f.Package.Name ? $"{f.Package.Name} ({source})" : f.Package.Name,
            f.InstalledVersion,
            f.Id,
            SarifWriter.Level(f.Severity.Level),
            f.FixedVersions.Count > 0 ? string.Join(", ", f.FixedVersions) : f.FixState == FixState.NotFixed ? "(no fix)" : "",
            f.Status switch
            {
                FindingStatus.Suppressed => $"suppressed: {f.Suppression?.Status} ({f.Suppression?.Justification})",
                FindingStatus.NotEvaluated => $"not evaluated: {f.Reason}",
                _ => "affected",
            },
        }).ToList();

        if (rows.Count > 0)
        {
            var widths = Header.Select((h, i) => Math.Min(48, Math.Max(h.Length, rows.Max(r => r[i].Length)))).ToArray();
            await writer.WriteLineAsync(Line(Header, widths));
            foreach (var row in rows)
            {
                await writer.WriteLineAsync(Line(row, widths));
            }
            await writer.WriteLineAsync();
        }

        var s = report.Summary;
        await writer.WriteLineAsync(
            $"Total: {s.Critical + s.High + s.Medium + s.Low + s.Unknown} (CRITICAL: {s.Critical}, HIGH: {s.High}, MEDIUM: {s.Medium}, LOW: {s.Low}, UNKNOWN: {s.Unknown}); " +
            $"{s.Suppressed} suppressed by VEX, {s.NotEvaluated} not evaluated; {s.Packages} packages; advisory data {report.AdvisoryDataVersion}");
    }

    private static string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : Fit(c, widths[i]).PadRight(widths[i]))).TrimEnd();

    private static string Fit(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";
}
