using System.Diagnostics;
using System.Diagnostics.Metrics;
using Gatehouse.Contracts;
using Gatehouse.Contracts.Messages;
using Gatehouse.RegistryWatcher.Webhooks;
using Gatehouse.ServiceDefaults.Store;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gatehouse.RegistryWatcher;

public enum PushOutcome { Published, DuplicateEvent, DuplicatePush }

/// <summary>
/// Deduplicates pushes in the shared store, publishes <see cref="ImagePushed"/> and records the tag map.
/// Publishing happens before the registry gets its 2xx: when the broker is unavailable the dedup marks
/// are rolled back and the caller answers 503, so the registry's redelivery publishes it later.
/// </summary>
public sealed partial class PushEventProcessor(
    IKeyValueStore store,
    IPublishEndpoint publisher,
    IOptions<RegistryWatcherOptions> options,
    ILogger<PushEventProcessor> logger)
{
    private const string PendingPrefix = "pending:";
    private static readonly Meter Meter = new("Gatehouse.RegistryWatcher");
    private static readonly Counter<long> Events = Meter.CreateCounter<long>("gatehouse.registry_watcher.events");

    public async Task<PushOutcome> ProcessAsync(string source, RegistryPush push, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var eventKey = StoreKeys.RegistryEvent(source, push.EventId);
        var pushKey = StoreKeys.RecentPush(push.Registry, push.Repository, push.Digest, push.Tag);
        // Marks are "pending" while this request publishes: a redelivery arriving meanwhile (the registry gave up
        // waiting for us) must get 503, not a 200 that would lose the event if this publish then fails.
        var pending = PendingPrefix + Guid.NewGuid().ToString("N");
        var pendingTtl = o.PublishTimeout + TimeSpan.FromSeconds(30);
        if (!await store.SetIfAbsentAsync(eventKey, pending, pendingTtl))
            return await DuplicateAsync(eventKey, push.EventId, PushOutcome.DuplicateEvent, "event id already processed", source, undo: null);
        if (o.DuplicateWindow > TimeSpan.Zero && !await store.SetIfAbsentAsync(pushKey, pending, pendingTtl))
            return await DuplicateAsync(pushKey, push.EventId, PushOutcome.DuplicatePush, "same repository, digest and tag pushed within the window", source, undo: eventKey);

        var message = new ImagePushed(push.Registry, push.Repository, push.Tag, push.Digest, push.MediaType,
            push.PushedAt, source, push.EventId);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(o.PublishTimeout);
            await publisher.Publish(message, timeout.Token);
        }
        catch (Exception ex)
        {
            // Forget the marks so the registry's redelivery of this event is not mistaken for a duplicate.
            await store.DeleteAsync(eventKey);
            await store.DeleteAsync(pushKey);
            throw new PublishUnavailableException($"could not publish ImagePushed for {push.Repository}@{push.Digest}", ex);
        }
        await store.SetAsync(eventKey, push.Digest, o.EventIdRetention);
        if (o.DuplicateWindow > TimeSpan.Zero) await store.SetAsync(pushKey, push.EventId, o.DuplicateWindow);

        if (push.Tag is not null)
            await store.SetAsync(StoreKeys.TagMap(push.Registry, push.Repository, push.Tag), push.Digest, o.TagMapRetention);
        Activity.Current?.AddEvent(new ActivityEvent("image-pushed", tags: new ActivityTagsCollection
        {
            ["gatehouse.digest"] = push.Digest,
            ["gatehouse.repository"] = push.Repository,
        }));
        LogPublished(logger, push.Registry, push.Repository, push.Tag, push.Digest);
        Count(PushOutcome.Published, source);
        return PushOutcome.Published;
    }

    /// <summary>A duplicate of a published event is acknowledged; one still being published elsewhere is "try again".</summary>
    private async Task<PushOutcome> DuplicateAsync(string key, string eventId, PushOutcome outcome, string why, string source, string? undo)
    {
        var existing = await store.GetAsync(key);
        if (existing is null || existing.StartsWith(PendingPrefix, StringComparison.Ordinal))
        {
            if (undo is not null) await store.DeleteAsync(undo);
            throw new PublishUnavailableException($"event {eventId} is being published by another request");
        }
        LogDuplicate(logger, eventId, why);
        Count(outcome, source);
        return outcome;
    }

    private static void Count(PushOutcome outcome, string source) =>
        Events.Add(1, new KeyValuePair<string, object?>("outcome", outcome.ToString()), new KeyValuePair<string, object?>("source", source));

    [LoggerMessage(Level = LogLevel.Information, Message = "ImagePushed {Registry}/{Repository}:{Tag}@{Digest}")]
    private static partial void LogPublished(ILogger logger, string registry, string repository, string? tag, string digest);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Duplicate push event {EventId}: {Why}")]
    private static partial void LogDuplicate(ILogger logger, string eventId, string why);
}

/// <summary>The broker did not take the message in time; the HTTP edge answers 503.</summary>
public sealed class PublishUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
