using System.Text.Json;
using System.Text.Json.Serialization;
using Gatehouse.Contracts.Decisions;
using Gatehouse.Contracts.Messages;
using Gatehouse.Policy.Impact;
using Gatehouse.Policy.Inventory;

namespace Gatehouse.Policy.Dashboard;

// The read-only documents of /api/dashboard/*. Everything is data for the page's script, which renders it as text.

/// <summary><c>GET /api/dashboard/images</c>: one page of images, ordered by name then digest.</summary>
/// <param name="Total">Images matching the filter (not only this page).</param>
public sealed record ImagePage(int Total, int Offset, int Limit, IReadOnlyList<string> Profiles, IReadOnlyList<ImageSummary> Images);

/// <param name="Name">registry/repository of the first known reference; empty when only the digest is known.</param>
/// <param name="Tags">Every reference the digest was pushed under (registry/repository:tag).</param>
/// <param name="Decisions">profile → decision; a profile missing here has no decision for the image.</param>
/// <param name="Signature">unknown (not verified yet), verified, invalid (only failing signatures), unsigned.</param>
/// <param name="Running">Workloads (containers) running the image now.</param>
public sealed record ImageSummary(
    string Digest,
    string Name,
    IReadOnlyList<string> Tags,
    IReadOnlyDictionary<string, DecisionSummary> Decisions,
    FindingCounts? Findings,
    string WorstSeverity,
    string Signature,
    int Running);

/// <param name="Current">The MAC verifies, the versions are the profile's current ones and it has not expired: admission would use it.</param>
public sealed record DecisionSummary(string Status, bool Current, DateTimeOffset DecidedAt);

/// <summary>The counts of the image's current vulnerability report.</summary>
public sealed record FindingCounts(
    int Critical, int High, int Medium, int Low, int Unknown, int FixableCritical, int FixableHigh, int NotEvaluated,
    string AdvisoryDataVersion, DateTimeOffset EvaluatedAt);

/// <summary><c>GET /api/dashboard/images/{digest}</c>.</summary>
/// <param name="FindingsProblem">Why the finding list is missing although counts exist (report missing or unreadable).</param>
public sealed record ImageDetail(
    string Digest,
    string Name,
    IReadOnlyList<string> Tags,
    SbomSummary? Sbom,
    FindingCounts? Findings,
    IReadOnlyList<FindingRow> FindingList,
    bool FindingsTruncated,
    string? FindingsProblem,
    SignatureDetail Signature,
    IReadOnlyList<DecisionDetail> Decisions,
    IReadOnlyList<WorkloadEntry> Workloads,
    IReadOnlyList<AnalysisFailure> Failures);

public sealed record SbomSummary(string Registry, string Repository, int ComponentCount, DateTimeOffset GeneratedAt);

/// <param name="Severity">critical, high, medium, low or unknown.</param>
/// <param name="FixAvailable">Some version fixes it (<see cref="FixedVersions"/> is not empty).</param>
public sealed record FindingRow(
    string Id, IReadOnlyList<string> Aliases, string Severity, string Package, string InstalledVersion, IReadOnlyList<string> FixedVersions, bool FixAvailable);

/// <param name="Status">See <see cref="ImageSummary.Signature"/>.</param>
public sealed record SignatureDetail(
    string Status, int ArtifactsFound, DateTimeOffset? VerifiedAt, IReadOnlyList<VerifiedSigner> Signers, IReadOnlyList<SignatureFailure> Failures);

/// <param name="NotCurrent">Why admission would not use the record (null when <see cref="Current"/>).</param>
/// <param name="TraceUrl">The configured trace viewer's page of <see cref="TraceId"/> (null without a template).</param>
public sealed record DecisionDetail(
    string Profile,
    string Status,
    bool Current,
    string? NotCurrent,
    IReadOnlyList<DecisionReason> Reasons,
    long PolicyGeneration,
    DateTimeOffset DecidedAt,
    DateTimeOffset? ValidUntil,
    string? TraceId,
    string? TraceUrl);

public sealed record AnalysisFailure(string Facet, string Reason, DateTimeOffset FailedAt);

/// <summary><c>GET /api/dashboard/break-glass</c>: the most recent uses, newest first.</summary>
public sealed record BreakGlassPage(int Total, IReadOnlyList<BreakGlassUsed> Uses);

/// <summary><c>GET /api/dashboard/impact</c>: the impact snapshots, oldest first (the charts' x axis).</summary>
/// <param name="Profiles">Every profile that appears in <see cref="ImpactSnapshot.DeniedRunningByProfile"/> (one series each).</param>
public sealed record ImpactSeries(IReadOnlyList<string> Severities, IReadOnlyList<string> Profiles, IReadOnlyList<ImpactSnapshot> Snapshots);

/// <summary><c>GET /api/dashboard/session</c>: who the page is signed in as.</summary>
/// <param name="Auth">tokens or none.</param>
public sealed record SessionInfo(string Auth, string User, bool TraceLinks);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ImagePage))]
[JsonSerializable(typeof(ImageDetail))]
[JsonSerializable(typeof(BreakGlassPage))]
[JsonSerializable(typeof(ImpactSeries))]
[JsonSerializable(typeof(SessionInfo))]
public sealed partial class DashboardJsonContext : JsonSerializerContext;
