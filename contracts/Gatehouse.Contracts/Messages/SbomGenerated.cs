using MassTransit;

namespace Gatehouse.Contracts.Messages;

/// <summary>An SBOM was produced and stored for an image; the document itself never rides the bus.</summary>
/// <param name="SbomRef">Where the SBOM is stored (an OCI reference of the attached artifact, or a store key).</param>
/// <param name="SbomSha256">Hex SHA-256 of the stored SBOM bytes, so readers can verify what they load.</param>
[MessageUrn("gatehouse:sbom-generated:v1")]
public sealed record SbomGenerated(
    string Registry,
    string Repository,
    string Digest,
    string SbomRef,
    string SbomSha256,
    int ComponentCount,
    string CatalogerSetVersion,
    DateTimeOffset GeneratedAt);
