namespace Gatehouse.RegistryWatcher.Webhooks;

/// <summary>Turns one registry flavour's notification body into normalized push events.</summary>
public interface IWebhookAdapter
{
    /// <summary>Route segment: <c>POST /webhooks/{Name}</c>.</summary>
    string Name { get; }

    string Version { get; }

    /// <summary>Content types this flavour sends (compared without parameters, case-insensitively).</summary>
    IReadOnlyCollection<string> ContentTypes { get; }

    /// <summary>Parses a body; throws <see cref="WebhookFormatException"/> with the reason when it is not valid.</summary>
    WebhookBatch Parse(ReadOnlySpan<byte> body);
}

/// <summary>Manifest pushes worth an <c>ImagePushed</c>, plus what was ignored and why (for logs and the response).</summary>
public sealed record WebhookBatch(IReadOnlyList<RegistryPush> Pushes, IReadOnlyList<IgnoredEvent> Ignored);

public sealed record RegistryPush(
    string EventId,
    string Registry,
    string Repository,
    string? Tag,
    string Digest,
    string MediaType,
    DateTimeOffset PushedAt);

public sealed record IgnoredEvent(string EventId, string Reason);

public sealed class WebhookFormatException(string message, Exception? inner = null) : Exception(message, inner);
