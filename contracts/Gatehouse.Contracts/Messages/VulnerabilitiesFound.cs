using MassTransit;

namespace Gatehouse.Contracts.Messages;

/// <summary>The vulnerability report for an image: counts on the bus, the full report stored and referenced.</summary>
/// <param name="ReportRef">Store key of the full finding list.</param>
/// <param name="AdvisoryDataVersion">Content hash of the advisory data the findings were matched against.</param>
/// <param name="Trigger">Why it was (re)computed: <c>sbom</c> or <c>advisories</c>.</param>
[MessageUrn("gatehouse:vulnerabilities-found:v1")]
public sealed record VulnerabilitiesFound(
    string Digest,
    string ReportRef,
    int Critical,
    int High,
    int Medium,
    int Low,
    int Unknown,
    int FixableCritical,
    int FixableHigh,
    int NotEvaluated,
    string AdvisoryDataVersion,
    string Trigger,
    DateTimeOffset EvaluatedAt);
