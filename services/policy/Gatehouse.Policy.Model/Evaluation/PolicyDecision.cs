using Gatehouse.Contracts.Decisions;

namespace Gatehouse.Policy.Model;

/// <summary>What one profile decided for one image: a status, the reasons, and how long it holds.</summary>
/// <param name="Status"><see cref="DecisionStatus"/>: allow, warn or deny (after the profile's mode).</param>
/// <param name="ValidUntil">When the decision stops holding by itself (scan age, an allow-list entry expiring).</param>
/// <param name="UnknownFacets">Facets the decision lacked; a decision with any is provisional.</param>
public sealed record PolicyDecision(
    string Profile,
    string Status,
    IReadOnlyList<DecisionReason> Reasons,
    DateTimeOffset? ValidUntil,
    IReadOnlyList<string> UnknownFacets)
{
    public bool IsDenied => Status == DecisionStatus.Deny;

    /// <summary>Reasons as <c>code: sentence</c>, the form <c>ImageDecided</c> carries.</summary>
    public IReadOnlyList<string> ReasonLines => [.. Reasons.Select(r => $"{r.Code}: {r.Message}")];
}

/// <summary>Stable reason codes, listed once (admission, the CLI and dashboards match on them).</summary>
public static class ReasonCodes
{
    public const string RegistryApproved = "registry-approved";
    public const string RegistryNotApproved = "registry-not-approved";
    public const string DigestNotPinned = "digest-not-pinned";
    public const string SignatureVerified = "signature-verified";
    public const string SignatureMissing = "signature-missing";
    public const string SignatureUntrusted = "signature-untrusted";
    public const string SignatureAuthorityMissing = "signature-authority-missing";
    public const string SignaturesUnknown = "signatures-unknown";
    public const string VulnerabilitiesUnknown = "vulnerabilities-unknown";
    public const string VulnerabilitiesAcceptable = "vulnerabilities-acceptable";
    public const string VulnerabilityAllowed = "vuln-allowed";
    public const string VulnerabilityExceptionExpired = "vuln-exception-expired";
    public const string VulnerabilityMore = "vuln-more";
    public const string ScanTooOld = "scan-too-old";
    public const string BaseImageApproved = "base-image-approved";
    public const string BaseImageDrift = "base-image-drift";
    public const string ManifestUnknown = "manifest-unknown";
    public const string AnalysisFailed = "analysis-failed";
    public const string ModeWarn = "mode-warn";
    public const string ModeAudit = "mode-audit";

    /// <summary><c>vuln-high</c>, or <c>vuln-high-fixable</c> when a fixed version exists.</summary>
    public static string Vulnerability(VulnerabilitySeverity severity, bool fixable) =>
        "vuln-" + severity.ToString().ToLowerInvariant() + (fixable ? "-fixable" : "");
}
