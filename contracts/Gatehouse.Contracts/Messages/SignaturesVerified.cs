using MassTransit;

namespace Gatehouse.Contracts.Messages;

/// <summary>The signatures and attestations found for a digest and what verifying them established.</summary>
/// <param name="Signers">Signers whose signature verified on exactly this digest.</param>
/// <param name="Failures">Signatures that were found but did not verify, each with its reason.</param>
/// <param name="TrustRootVersion">Version (content hash) of the trust material used.</param>
/// <param name="Registry">Where the signatures were looked up: the pushed image's registry (absent from older senders).</param>
/// <param name="Repository">And its repository: one digest pushed to two repositories has signatures in each.</param>
[MessageUrn("gatehouse:signatures-verified:v1")]
public sealed record SignaturesVerified(
    string Digest,
    IReadOnlyList<VerifiedSigner> Signers,
    IReadOnlyList<SignatureFailure> Failures,
    int ArtifactsFound,
    string TrustRootVersion,
    DateTimeOffset VerifiedAt,
    string? Registry = null,
    string? Repository = null);
