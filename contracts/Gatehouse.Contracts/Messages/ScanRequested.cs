using MassTransit;

namespace Gatehouse.Contracts.Messages;

/// <summary>Ask for an image to be analysed (admission saw an unknown digest, or an operator asked).</summary>
/// <param name="Reference">Full image reference, digest-pinned when known.</param>
[MessageUrn("gatehouse:scan-requested:v1")]
public sealed record ScanRequested(
    string Reference,
    string Reason,
    DateTimeOffset RequestedAt);
