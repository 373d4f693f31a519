namespace Gatehouse.Contracts.Messages;

/// <summary>One verified signer: keyless (issuer + subject) or key-based (key id).</summary>
/// <param name="Kind"><c>keyless</c> or <c>key</c>.</param>
/// <param name="ArtifactKind"><c>signature</c> or <c>attestation:&lt;predicateType&gt;</c>.</param>
public sealed record VerifiedSigner(
    string Kind,
    string? Issuer,
    string? Subject,
    string? KeyId,
    string ArtifactKind,
    DateTimeOffset? SignedAt);
