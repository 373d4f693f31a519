using MassTransit;

namespace Gatehouse.Contracts.Messages;

/// <summary>The signatures and attestations found for a digest and what verifying them established.</summary>
/// <param name="Signers">Signers whose signature verified on exactly this digest.</param>
/// <param name="Failures">Signatures that were found but did not verify, each with its reason.</param>
/// <param name="TrustRootVersion">Version (content hash) of the trust material used.</param>
[MessageUrn("gatehouse:signatures-verified:v1")]
public sealed record SignaturesVerified(
    string Digest,
    IReadOnlyList<VerifiedSigner> Signers,
    IReadOnlyList<SignatureFailure> Failures,
    int ArtifactsFound,
    string TrustRootVersion,
    DateTimeOffset VerifiedAt);
