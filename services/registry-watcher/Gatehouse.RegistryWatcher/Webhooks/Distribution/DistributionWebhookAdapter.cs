using System.Text.Json;
using Gatehouse.Contracts;
using Gatehouse.Oci;

namespace Gatehouse.RegistryWatcher.Webhooks.Distribution;

/// <summary>
/// Docker Distribution (registry:2, CNCF distribution) notifications. A push sends one event per blob and one
/// for the manifest; only the manifest push (a manifest media type and a digest) is an image push.
/// </summary>
public sealed class DistributionWebhookAdapter : IWebhookAdapter
{
    public string Name => "distribution";

    public string Version => "1";

    public IReadOnlyCollection<string> ContentTypes { get; } =
    [
        "application/vnd.docker.distribution.events.v1+json",
        "application/vnd.docker.distribution.events.v2+json",
        "application/json",
    ];

    public WebhookBatch Parse(ReadOnlySpan<byte> body)
    {
        DistributionEnvelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize(body, DistributionJsonContext.Default.DistributionEnvelope);
        }
        catch (JsonException ex)
        {
            throw new WebhookFormatException($"body is not a valid notification envelope: {ex.Message}", ex);
        }
        if (envelope?.Events is null)
            throw new WebhookFormatException("body is not a notification envelope: the 'events' array is missing");

        var pushes = new List<RegistryPush>();
        var ignored = new List<IgnoredEvent>();
        foreach (var e in envelope.Events)
        {
            if (Classify(e, out var push) is { } reason) ignored.Add(new IgnoredEvent(e?.Id ?? "", reason));
            else pushes.Add(push!);
        }
        return new WebhookBatch(pushes, ignored);
    }

    /// <summary>Null when the event is an image push (and <paramref name="push"/> is set), else why it is ignored.</summary>
    private static string? Classify(DistributionEvent? e, out RegistryPush? push)
    {
        push = null;
        if (e is null) return "null event";
        if (e.Action != "push") return $"action '{e.Action}' is not a push";
        var target = e.Target;
        if (target is null) return "push without a target";
        if (!OciMediaTypes.IsManifest(target.MediaType)) return $"push of a blob or unsupported type '{target.MediaType}'";
        if (string.IsNullOrEmpty(e.Id)) return "manifest push without an event id";
        if (!ContentDigest.TryParse(target.Digest, out _, out var digestError)) return $"manifest push with an invalid digest: {digestError}";
        if (string.IsNullOrEmpty(target.Repository)) return "manifest push without a repository";
        var registry = RegistryHost(e);
        if (registry is null) return "manifest push that names no registry host (target.url, request.host)";
        var tag = string.IsNullOrEmpty(target.Tag) ? null : target.Tag;
        var reference = tag is null ? $"{registry}/{target.Repository}@{target.Digest}" : $"{registry}/{target.Repository}:{tag}";
        if (!ImageReference.TryParse(reference, out _, out var refError)) return $"manifest push with an invalid reference: {refError}";
        push = new RegistryPush(e.Id, registry, target.Repository, tag, target.Digest!, target.MediaType!,
            e.Timestamp ?? DateTimeOffset.UtcNow);
        return null;
    }

    /// <summary>The registry as clients address it: the authority of the target URL, else the request's Host.</summary>
    private static string? RegistryHost(DistributionEvent e)
    {
        if (Uri.TryCreate(e.Target?.Url, UriKind.Absolute, out var url) && !string.IsNullOrEmpty(url.Host))
            return url.IsDefaultPort ? url.Host : $"{url.Host}:{url.Port}";
        return string.IsNullOrWhiteSpace(e.Request?.Host) ? null : e.Request.Host;
    }
}
