using MassTransit;

namespace Gatehouse.Contracts.Messages;

/// <summary>A manifest was pushed to a registry (from a push notification or polling).</summary>
/// <param name="Registry">Registry host[:port] as clients address it, e.g. <c>127.0.0.1:5000</c>.</param>
/// <param name="Repository">Repository path without the registry, e.g. <c>demo/debian</c>.</param>
/// <param name="Tag">Tag pushed with the manifest, when the push named one.</param>
/// <param name="Digest">Manifest digest, <c>sha256:&lt;64 hex&gt;</c>.</param>
/// <param name="MediaType">Manifest media type as the registry reported it.</param>
/// <param name="PushedAt">When the registry saw the push.</param>
/// <param name="Source">Adapter that produced the event, e.g. <c>distribution</c>.</param>
/// <param name="EventId">The registry's own event id (deduplication key).</param>
[MessageUrn("gatehouse:image-pushed:v1")]
public sealed record ImagePushed(
    string Registry,
    string Repository,
    string? Tag,
    string Digest,
    string MediaType,
    DateTimeOffset PushedAt,
    string Source,
    string EventId);
