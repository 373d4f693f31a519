using Gatehouse.Contracts.Messages;

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

/// <summary>One signature, attestation or bundle with its content loaded (a layer of a signature artifact).</summary>
/// <param name="Artifact">Where it is, for reports: <c>&lt;tag or manifest digest&gt;#&lt;layer index&gt;</c>.</param>
/// <param name="Kind">The <see cref="SignatureArtifact.Kind"/> of the artifact holding it.</param>
/// <param name="MediaType">The layer's media type, which decides the format.</param>
/// <param name="Content">The layer's bytes, verified against its digest.</param>
public sealed record SignatureEntry(string Artifact, string Kind, string MediaType, byte[] Content, IReadOnlyDictionary<string, string> Annotations);

/// <summary>The loaded entries of a discovery, plus artifacts that could not be read (reported as failures).</summary>
public sealed record LoadedSignatures(IReadOnlyList<SignatureEntry> Entries, IReadOnlyList<SignatureFailure> Problems);
