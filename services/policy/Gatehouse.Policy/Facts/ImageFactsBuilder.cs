using Gatehouse.Policy.Model;

namespace Gatehouse.Policy.Facts;

/// <summary>The evaluator's view of stored facts (shared by the service and <c>gatehouse policy test</c>).</summary>
public static class ImageFactsBuilder
{
    /// <summary>An unreadable finding report makes the vulnerabilities facet unknown (a retryable failure).</summary>
    public static async Task<ImageFacts> BuildAsync(FactSnapshot snapshot, IFindingReport findings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(findings);
        var failures = snapshot.Failures.Select(f => new AnalysisFailure(f.Facet, f.Reason, f.Retryable, f.FailedAt)).ToList();
        VulnerabilityFacts? vulnerabilities = null;
        if (snapshot.Vulnerabilities is { } found)
        {
            var list = await findings.ReadAsync(found, cancellationToken);
            if (list is null)
                failures.Add(new AnalysisFailure(Facets.Vulnerabilities, $"the finding report {found.ReportRef} could not be read", true, found.EvaluatedAt));
            else
                vulnerabilities = new VulnerabilityFacts(list, found.AdvisoryDataVersion, found.EvaluatedAt, found.NotEvaluated);
        }
        return new ImageFacts
        {
            Digest = snapshot.Digest,
            KnownReferences = snapshot.References,
            Signatures = snapshot.Signatures is { } s ? new SignatureFacts(s.Signers, s.Failures, s.ArtifactsFound, s.TrustRootVersion, s.VerifiedAt) : null,
            Vulnerabilities = vulnerabilities,
            Layers = snapshot.Manifest?.Layers.Select(l => new ImageLayer(l.Digest, l.DiffId)).ToList(),
            Failures = failures,
        };
    }
}
