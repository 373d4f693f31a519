using MassTransit;

namespace Gatehouse.Contracts.Messages;

/// <summary>Policy decided an image for one profile; the record itself lives in the decision cache.</summary>
/// <param name="Status"><c>allow</c>, <c>warn</c> or <c>deny</c>.</param>
/// <param name="Reasons">Sentences a developer understands, each prefixed by its code (<c>code: sentence</c>).</param>
[MessageUrn("gatehouse:image-decided:v1")]
public sealed record ImageDecided(
    string Digest,
    string Profile,
    string Status,
    IReadOnlyList<string> Reasons,
    long PolicyVersion,
    DateTimeOffset DecidedAt);
