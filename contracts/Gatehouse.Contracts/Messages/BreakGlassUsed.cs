using MassTransit;

namespace Gatehouse.Contracts.Messages;

/// <summary>
/// Someone admitted an image that policy denies, under a break-glass annotation. One message per bypassed image.
/// </summary>
/// <param name="Object">Kind and name of the admitted object, e.g. <c>Deployment/web</c> (generateName + '*' when unnamed).</param>
/// <param name="Digest">The image's digest, or its reference when the tag could not be resolved.</param>
/// <param name="User">The requesting user (request.userInfo.username).</param>
/// <param name="Ticket">The incident or change ticket; empty when the profile does not require one.</param>
/// <param name="Image">The image as written in the object.</param>
/// <param name="Denial">What policy would have denied, in the developer's words.</param>
[MessageUrn("gatehouse:break-glass-used:v1")]
public sealed record BreakGlassUsed(
    string Namespace,
    string Object,
    string Digest,
    string User,
    string Ticket,
    DateTimeOffset ExpiresAt,
    string Profile,
    string Reason,
    string Image,
    string Denial,
    DateTimeOffset UsedAt);
