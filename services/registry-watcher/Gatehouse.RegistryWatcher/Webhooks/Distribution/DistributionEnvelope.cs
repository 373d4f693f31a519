using System.Text.Json.Serialization;

namespace Gatehouse.RegistryWatcher.Webhooks.Distribution;

// Wire shapes of Docker Distribution's notifications (notifications/event.go). Only what we read is modelled.
internal sealed record DistributionEnvelope(
    [property: JsonPropertyName("events")] List<DistributionEvent>? Events);

internal sealed record DistributionEvent(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("timestamp")] DateTimeOffset? Timestamp,
    [property: JsonPropertyName("action")] string? Action,
    [property: JsonPropertyName("target")] DistributionTarget? Target,
    [property: JsonPropertyName("request")] DistributionRequest? Request,
    [property: JsonPropertyName("source")] DistributionSource? Source);

internal sealed record DistributionTarget(
    [property: JsonPropertyName("mediaType")] string? MediaType,
    [property: JsonPropertyName("digest")] string? Digest,
    [property: JsonPropertyName("repository")] string? Repository,
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("tag")] string? Tag);

internal sealed record DistributionRequest(
    [property: JsonPropertyName("host")] string? Host,
    [property: JsonPropertyName("useragent")] string? UserAgent);

internal sealed record DistributionSource(
    [property: JsonPropertyName("addr")] string? Addr,
    [property: JsonPropertyName("instanceID")] string? InstanceId);

[JsonSerializable(typeof(DistributionEnvelope))]
[JsonSourceGenerationOptions(AllowTrailingCommas = false, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
internal sealed partial class DistributionJsonContext : JsonSerializerContext;
