using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Gatehouse.Scanner.Advisories;
using Gatehouse.Scanner.Advisories.Severity;

namespace Gatehouse.Scanner.Vulnerabilities;

/// <summary>
/// Writes a report as SARIF 2.1.0 for CI code scanning: one rule per vulnerability id (with GitHub's
/// <c>security-severity</c> and tags), one result per finding and package location (the metadata file the package
/// was found in, under <c>ROOTPATH</c> of the image's filesystem). Suppressed findings carry a SARIF suppression with
/// the VEX justification; not-evaluated ones are notes. Output is ordered, so the same report gives the same bytes.
/// </summary>
public static class SarifWriter
{
    public const string Version = "2.1.0";
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";
    private const string ToolName = "gatehouse";

    public static void Write(VulnerabilityReport report, string target, string toolVersion, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(report);
        var findings = report.Findings;
        var rules = findings.GroupBy(f => f.Id, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var ruleIndex = rules.Select((g, i) => (g.Key, i)).ToDictionary(p => p.Key, p => p.i, StringComparer.Ordinal);

        using var json = new Utf8JsonWriter(destination, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteString("$schema", SchemaUri);
        json.WriteString("version", Version);
        json.WriteStartArray("runs");
        json.WriteStartObject();

        json.WriteStartObject("tool");
        json.WriteStartObject("driver");
        json.WriteString("name", ToolName);
        json.WriteString("version", toolVersion);
        json.WriteStartArray("rules");
        foreach (var rule in rules)
        {
            WriteRule(json, rule.Key, rule.First());
        }
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();

        json.WriteStartObject("originalUriBaseIds");
        json.WriteStartObject("ROOTPATH");
        json.WriteString("uri", "file:///");
        json.WriteEndObject();
        json.WriteEndObject();

        json.WriteStartArray("results");
        foreach (var finding in findings)
        {
            IReadOnlyList<string?> locations = [null];
            if (finding.Package.Purl is { } purl && report.Locations.TryGetValue(purl, out var paths) && paths.Count > 0)
            {
                locations = paths;
            }
            foreach (var path in locations)
            {
                WriteResult(json, finding, ruleIndex[finding.Id], path, target);
            }
        }
        json.WriteEndArray();

        json.WriteStartObject("properties");
        json.WriteString("target", target);
        if (report.Digest is not null)
        {
            json.WriteString("imageDigest", report.Digest);
        }
        json.WriteString("advisoryDataVersion", report.AdvisoryDataVersion);
        json.WriteEndObject();

        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
    }

    private static void WriteRule(Utf8JsonWriter json, string id, Finding sample)
    {
        json.WriteStartObject();
        json.WriteString("id", id);
        json.WriteString("name", sample.Package.SourceName is null ? "LanguagePackageVulnerability" : "OsPackageVulnerability");
        var summary = string.IsNullOrWhiteSpace(sample.Summary) ? $"{id} in {sample.Package.SourceName ?? sample.Package.Name}" : sample.Summary;
        json.WriteStartObject("shortDescription");
        json.WriteString("text", summary);
        json.WriteEndObject();
        json.WriteStartObject("fullDescription");
        json.WriteString("text", sample.Aliases.Count == 0 ? summary : $"{summary} (also known as {string.Join(", ", sample.Aliases)})");
        json.WriteEndObject();
        json.WriteString("helpUri", "https://osv.dev/vulnerability/" + Uri.EscapeDataString(sample.Records.Count > 0 ? sample.Records[0] : id));
        json.WriteStartObject("help");
        json.WriteString("text", $"{id}: {summary}. Severity {Level(sample.Severity.Level)}. Records: {string.Join(", ", sample.Records)}.");
        json.WriteEndObject();
        json.WriteStartObject("defaultConfiguration");
        json.WriteString("level", SarifLevel(sample));
        json.WriteEndObject();
        json.WriteStartObject("properties");
        if (SecuritySeverity(sample.Severity) is { } score)
        {
            json.WriteString("security-severity", score.ToString("0.0", CultureInfo.InvariantCulture));
        }
        json.WriteStartArray("tags");
        json.WriteStringValue("vulnerability");
        json.WriteStringValue("security");
        json.WriteStringValue(Level(sample.Severity.Level));
        json.WriteEndArray();
        json.WriteString("precision", "very-high");
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteResult(Utf8JsonWriter json, Finding finding, int ruleIndex, string? path, string target)
    {
        var package = finding.Package;
        var fix = finding.FixedVersions.Count > 0 ? "fixed in " + string.Join(", ", finding.FixedVersions) : "no fix available";
        json.WriteStartObject();
        json.WriteString("ruleId", finding.Id);
        json.WriteNumber("ruleIndex", ruleIndex);
        json.WriteString("level", finding.Status == FindingStatus.NotEvaluated ? "note" : SarifLevel(finding));
        json.WriteStartObject("message");
        json.WriteString("text", finding.Status == FindingStatus.NotEvaluated
            ? $"{package.Name} {package.Version} could not be evaluated against {finding.Id}: {finding.Reason}"
            : $"{package.Name} {package.Version} is affected by {finding.Id} ({Level(finding.Severity.Level)}, {fix}) in {target}");
        json.WriteEndObject();
        json.WriteStartArray("locations");
        json.WriteStartObject();
        json.WriteStartObject("physicalLocation");
        json.WriteStartObject("artifactLocation");
        if (path is null)
        {
            json.WriteString("uri", package.Purl ?? package.Name);
        }
        else
        {
            json.WriteString("uri", path.TrimStart('/'));
            json.WriteString("uriBaseId", "ROOTPATH");
        }
        json.WriteEndObject();
        json.WriteStartObject("region");
        json.WriteNumber("startLine", 1);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteStartObject("message");
        json.WriteString("text", $"{package.Purl ?? package.Name}");
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteStartObject("partialFingerprints");
        json.WriteString("gatehouse/v1", $"{finding.Id}|{package.Purl ?? package.Name}|{path}");
        json.WriteEndObject();
        if (finding.Suppression is { } suppression)
        {
            json.WriteStartArray("suppressions");
            json.WriteStartObject();
            json.WriteString("kind", "external");
            json.WriteString("status", "accepted");
            json.WriteString("justification", $"VEX {suppression.Status}: {suppression.Justification} ({suppression.Source})");
            json.WriteEndObject();
            json.WriteEndArray();
        }
        json.WriteStartObject("properties");
        json.WriteString("status", finding.Status switch
        {
            FindingStatus.Suppressed => "suppressed",
            FindingStatus.NotEvaluated => "not-evaluated",
            _ => "affected",
        });
        json.WriteString("installedVersion", finding.InstalledVersion);
        json.WriteStartArray("fixedVersions");
        foreach (var version in finding.FixedVersions)
        {
            json.WriteStringValue(version);
        }
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static string SarifLevel(Finding finding) => finding.Severity.Level switch
    {
        SeverityLevel.Critical or SeverityLevel.High => "error",
        SeverityLevel.Medium => "warning",
        _ => "note",
    };

    /// <summary>GitHub's 0.0-10.0 scale: the CVSS score when there is one, else the middle of the level's band.</summary>
    private static double? SecuritySeverity(SeverityRating rating) => rating.Score ?? rating.Level switch
    {
        SeverityLevel.Critical => 9.5,
        SeverityLevel.High => 8.0,
        SeverityLevel.Medium => 5.5,
        SeverityLevel.Low => 2.0,
        _ => null,
    };

    public static string Level(SeverityLevel level) => level switch
    {
        SeverityLevel.Critical => "CRITICAL",
        SeverityLevel.High => "HIGH",
        SeverityLevel.Medium => "MEDIUM",
        SeverityLevel.Low => "LOW",
        _ => "UNKNOWN",
    };
}
