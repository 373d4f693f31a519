namespace Gatehouse.Contracts.Messages;

/// <summary>A signature artifact that was found but did not verify.</summary>
/// <param name="Artifact">Where it was found (tag or referrer digest).</param>
/// <param name="Code">Stable machine code, e.g. <c>digest-mismatch</c>.</param>
public sealed record SignatureFailure(string Artifact, string Code, string Reason);
