namespace Gatehouse.Policy.Model;

/// <summary>enforce: denies deny; warn: denies become warnings; audit: everything is admitted and recorded.</summary>
public enum PolicyMode { Enforce, Warn, Audit }

/// <summary>deny-and-scan: deny and request a scan; allow-with-warning: admit with a warning.</summary>
public enum UnknownImageAction { DenyAndScan, AllowWithWarning }

/// <summary>Admission's answer when no decision can be read within its deadline.</summary>
public enum FailureMode { Deny, Allow }

public enum SignatureMatch { AnyOf, AllOf }

/// <summary>report: a warning; deny: a deny.</summary>
public enum DriftAction { Report, Deny }

/// <summary>Ordered: a higher value is more severe.</summary>
public enum VulnerabilitySeverity { Unknown, Low, Medium, High, Critical }

/// <summary>The spellings policies use, in one place (YAML values, messages, the CRD's enums).</summary>
public static class PolicyValues
{
    public static readonly IReadOnlyList<string> Modes = ["enforce", "warn", "audit"];
    public static readonly IReadOnlyList<string> UnknownImageActions = ["deny-and-scan", "allow-with-warning"];
    public static readonly IReadOnlyList<string> FailureModes = ["deny", "allow"];
    public static readonly IReadOnlyList<string> DriftActions = ["report", "deny"];
    public static readonly IReadOnlyList<string> Severities = ["CRITICAL", "HIGH", "MEDIUM", "LOW"];

    public static string ToText(this PolicyMode mode) => Modes[(int)mode];

    public static string ToText(this UnknownImageAction action) => UnknownImageActions[(int)action];

    public static string ToText(this FailureMode mode) => FailureModes[(int)mode];

    public static string ToText(this DriftAction action) => DriftActions[(int)action];

    /// <summary>"Critical", "High", … as developers read it in a reason.</summary>
    public static string ToDisplay(this VulnerabilitySeverity severity) => severity switch
    {
        VulnerabilitySeverity.Critical => "Critical",
        VulnerabilitySeverity.High => "High",
        VulnerabilitySeverity.Medium => "Medium",
        VulnerabilitySeverity.Low => "Low",
        _ => "Unknown severity",
    };

    /// <summary>Parses the scanner's and the policy's words (CRITICAL, high, MODERATE…); anything else is Unknown.</summary>
    public static VulnerabilitySeverity ParseSeverity(string? text) => text?.Trim().ToUpperInvariant() switch
    {
        "CRITICAL" => VulnerabilitySeverity.Critical,
        "HIGH" or "IMPORTANT" => VulnerabilitySeverity.High,
        "MEDIUM" or "MODERATE" => VulnerabilitySeverity.Medium,
        "LOW" or "NEGLIGIBLE" => VulnerabilitySeverity.Low,
        _ => VulnerabilitySeverity.Unknown,
    };
}
