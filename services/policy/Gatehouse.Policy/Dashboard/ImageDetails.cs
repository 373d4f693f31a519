using Gatehouse.Policy.Facts;
using Gatehouse.Policy.Model;
using Microsoft.Extensions.Options;

namespace Gatehouse.Policy.Dashboard;

/// <summary>One image in full: findings (with fix availability), signatures and signers, decisions with reasons and trace links, workloads.</summary>
public sealed class ImageDetails(ImageCatalog catalog, FactStore facts, IFindingReport findingReport, IOptions<DashboardOptions> options)
{
    /// <summary>More findings than this are cut (most severe first) and flagged: a page is no place for ten thousand rows.</summary>
    public const int MaxFindings = 2_000;

    /// <returns>Null when nothing at all is known of the digest.</returns>
    public async Task<ImageDetail?> ReadAsync(string digest, CancellationToken cancellationToken)
    {
        var profiles = await catalog.ProfilesAsync();
        var namesTask = catalog.NamesAsync(digest);
        var snapshotTask = facts.ReadAsync(digest);
        var recordsTask = catalog.RecordsAsync(digest, profiles);
        var versionsTask = catalog.VersionsAsync(profiles);
        var runningTask = catalog.RunningAsync(digest);
        var sbomTask = catalog.SbomRecordAsync(digest);
        await Task.WhenAll(namesTask, snapshotTask, recordsTask, versionsTask, runningTask, sbomTask);
        var (names, snapshot, records, versions, running, sbomRecord) =
            (namesTask.Result, snapshotTask.Result, recordsTask.Result, versionsTask.Result, runningTask.Result, sbomTask.Result);
        if (names.Tags.Count == 0 && !snapshot.HasAnalysis && records.Count == 0 && running.Count == 0 && sbomRecord is null) return null;

        var sbom = snapshot.Sbom is { } s ? new SbomSummary(s.Registry, s.Repository, s.ComponentCount, s.GeneratedAt)
            : sbomRecord is { } r ? new SbomSummary(r.Registry, r.Repository, r.ComponentCount, r.GeneratedAt)
            : null;
        IReadOnlyList<FindingFact>? findings = null;
        string? findingsProblem = null;
        if (snapshot.Vulnerabilities is { } found)
        {
            findings = await findingReport.ReadAsync(found, cancellationToken);
            if (findings is null) findingsProblem = "the vulnerability report the counts refer to is missing or unreadable";
        }
        var rows = (findings ?? [])
            .OrderByDescending(f => f.Severity).ThenByDescending(f => f.Fixable)
            .ThenBy(f => f.Id, StringComparer.Ordinal).ThenBy(f => f.Package, StringComparer.Ordinal)
            .Select(f => new FindingRow(f.Id, f.Aliases, f.Severity.ToString().ToLowerInvariant(), f.Package, f.InstalledVersion, f.FixedVersions, f.Fixable))
            .ToList();

        var signatures = snapshot.Signatures;
        var signature = new SignatureDetail(ImageCatalog.SignatureStatus(signatures), signatures?.ArtifactsFound ?? 0, signatures?.VerifiedAt,
            signatures?.Signers ?? [], signatures?.Failures ?? []);
        var decisions = records.Values.Select(record =>
        {
            var notCurrent = catalog.NotCurrent(record, versions.GetValueOrDefault(record.Profile));
            return new DecisionDetail(record.Profile, record.Status, notCurrent is null, notCurrent, record.Reasons, record.PolicyGeneration,
                record.DecidedAt, record.ValidUntil, DashboardOptions.TraceId(record.TraceParent), options.Value.TraceUrl(record.TraceParent));
        }).ToList();
        var failures = snapshot.Failures
            .Select(f => new AnalysisFailure(f.Facet, f.Reason, f.FailedAt))
            .OrderBy(f => f.Facet, StringComparer.Ordinal).ToList();

        return new ImageDetail(digest, names.Name.Length > 0 ? names.Name : sbom is null ? "" : $"{sbom.Registry}/{sbom.Repository}", names.Tags, sbom,
            ImageCatalog.Counts(snapshot.Vulnerabilities), rows.Count > MaxFindings ? rows[..MaxFindings] : rows, rows.Count > MaxFindings, findingsProblem,
            signature, decisions, running, failures);
    }
}
