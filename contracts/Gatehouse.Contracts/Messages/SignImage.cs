using MassTransit;

namespace Gatehouse.Contracts.Messages;

/// <summary>
/// Sign an image that a promoting profile allowed: a cosign signature plus attestations of its SBOM and its
/// vulnerability report, so the evidence travels with the image to the next registry or cluster.
/// </summary>
/// <param name="Profile">The profile whose <c>promote: true</c> allow triggered the signing.</param>
/// <param name="SbomSha256">Hex SHA-256 of the SBOM document to attest (stored under <see cref="StoreKeys.Sbom"/>).</param>
/// <param name="ReportRef">Store key of the vulnerability report to attest.</param>
/// <param name="AdvisoryDataVersion">Advisory data the report was matched against (the attestation's scanner db version).</param>
[MessageUrn("gatehouse:sign-image:v1")]
public sealed record SignImage(
    string Registry,
    string Repository,
    string Digest,
    string Profile,
    string SbomSha256,
    string ReportRef,
    string AdvisoryDataVersion,
    DateTimeOffset RequestedAt);
