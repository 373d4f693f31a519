using Gatehouse.Contracts;
using Gatehouse.Contracts.Messages;

namespace Gatehouse.Policy.Model;

/// <summary>
/// Everything known about one image when it is evaluated. A null facet is unknown (not analysed yet), which is
/// different from "analysed and empty": no signers is a fact, null signatures is not.
/// </summary>
public sealed record ImageFacts
{
    /// <summary>The manifest digest; null only when evaluating a tag offline (CLI).</summary>
    public string? Digest { get; init; }

    /// <summary>The reference being deployed or tested: digest pinning and the registry rule are checked on it.</summary>
    public ImageReference? Reference { get; init; }

    /// <summary>Names the digest was pushed under; the registry rule uses them when there is no <see cref="Reference"/>.</summary>
    public IReadOnlyList<ImageReference> KnownReferences { get; init; } = [];

    public SignatureFacts? Signatures { get; init; }

    public VulnerabilityFacts? Vulnerabilities { get; init; }

    /// <summary>The image's layers, bottom first (from the manifest facet).</summary>
    public IReadOnlyList<ImageLayer>? Layers { get; init; }

    /// <summary>Facets that could not be analysed (latest failure per facet).</summary>
    public IReadOnlyList<AnalysisFailure> Failures { get; init; } = [];
}

public sealed record SignatureFacts(
    IReadOnlyList<VerifiedSigner> Signers,
    IReadOnlyList<SignatureFailure> Failures,
    int ArtifactsFound,
    string TrustRootVersion,
    DateTimeOffset VerifiedAt);

/// <param name="Findings">Affected findings (suppressed and not-evaluated ones are left out by the reader).</param>
public sealed record VulnerabilityFacts(
    IReadOnlyList<FindingFact> Findings,
    string AdvisoryDataVersion,
    DateTimeOffset EvaluatedAt,
    int NotEvaluated);

/// <summary>One vulnerability in one package, as policy needs it.</summary>
public sealed record FindingFact(
    string Id,
    IReadOnlyList<string> Aliases,
    VulnerabilitySeverity Severity,
    string Package,
    string InstalledVersion,
    IReadOnlyList<string> FixedVersions)
{
    public bool Fixable => FixedVersions.Count > 0;

    public bool IsKnownAs(string id) =>
        string.Equals(Id, id, StringComparison.OrdinalIgnoreCase) || Aliases.Any(a => string.Equals(a, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>"CVE-2023-5678 (High, fixed in 3.0.13-1~deb12u1) in openssl 3.0.11-1~deb12u1".</summary>
    public string Describe()
    {
        var fix = Fixable ? "fixed in " + string.Join(", ", FixedVersions) : "no fix available";
        return $"{Id} ({Severity.ToDisplay()}, {fix}) in {Package} {InstalledVersion}";
    }
}

/// <param name="DiffId">Uncompressed digest from the image config, when known.</param>
public sealed record ImageLayer(string Digest, string? DiffId);

/// <param name="Facet"><c>manifest</c>, <c>sbom</c>, <c>vulnerabilities</c> or <c>signatures</c>.</param>
public sealed record AnalysisFailure(string Facet, string Reason, bool Retryable, DateTimeOffset FailedAt);

/// <summary>Facet names as <see cref="ImageAnalysisFailed.Facet"/> carries them.</summary>
public static class Facets
{
    public const string Manifest = "manifest";
    public const string Sbom = "sbom";
    public const string Vulnerabilities = "vulnerabilities";
    public const string Signatures = "signatures";
}
