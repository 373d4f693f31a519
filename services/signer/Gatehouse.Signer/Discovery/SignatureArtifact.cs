namespace Gatehouse.Signer.Discovery;

/// <summary>One signature-bearing artifact found for an image digest.</summary>
/// <param name="Kind"><c>cosign-signature</c> (the <c>.sig</c> tag), <c>cosign-attestation</c> (<c>.att</c>) or <c>referrer</c>.</param>
/// <param name="Reference">The tag or manifest digest it was found under.</param>
/// <param name="Digest">Digest of the artifact's manifest.</param>
/// <param name="ArtifactType">Artifact type (referrers) or the manifest media type (tags).</param>
/// <param name="Entries">Signatures or attestations inside (layers of the manifest).</param>
public sealed record SignatureArtifact(string Kind, string Reference, string Digest, string ArtifactType, int Entries);

/// <summary>Everything discovery found for one digest.</summary>
public sealed record SignatureDiscovery(string Registry, string Repository, string Digest, IReadOnlyList<SignatureArtifact> Artifacts, DateTimeOffset DiscoveredAt);
