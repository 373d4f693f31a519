using MassTransit;

namespace Gatehouse.Contracts.Messages;

/// <summary>A facet of an image could not be analysed; policy treats the facet as unknown.</summary>
/// <param name="Facet"><c>manifest</c>, <c>sbom</c>, <c>vulnerabilities</c> or <c>signatures</c>.</param>
/// <param name="Retryable">True when a later attempt may succeed (registry down), false for hostile or invalid content.</param>
[MessageUrn("gatehouse:image-analysis-failed:v1")]
public sealed record ImageAnalysisFailed(
    string Digest,
    string Facet,
    string Reason,
    bool Retryable,
    DateTimeOffset FailedAt);
