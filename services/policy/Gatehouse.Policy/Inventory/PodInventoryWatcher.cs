using System.Net;
using Gatehouse.ServiceDefaults.Store;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gatehouse.Policy.Inventory;

/// <summary>
/// Keeps the runtime inventory equal to the cluster's pods while this replica leads (<see cref="IInventoryLeadership"/>):
/// list (in pages) → reconcile the store → watch from the list's resourceVersion with bookmarks. A watch the server ends
/// is resumed from the last resourceVersion seen (events or bookmarks); 410 Gone (the version was compacted) and the
/// periodic resync list again; failures are retried with capped exponential backoff, resuming the watch when a version
/// is known. Because every list ends with a reconcile against what the store holds, the inventory converges after any
/// fault, including a restart or a change of leader. While synced the leader keeps the store's heartbeat
/// (<see cref="LeadershipHeartbeat"/>); when leadership ends the watch stops at once and the heartbeat is deleted. No
/// permission to list or watch pods (401/403) is logged once per change and retried slowly; nothing here ends the host.
/// </summary>
public sealed partial class PodInventoryWatcher(
    IKubernetes client, RuntimeInventory inventory, OwnerResolver owners, IInventoryLeadership leadership, IKeyValueStore store,
    IOptions<InventoryOptions> options, TimeProvider time, ILogger<PodInventoryWatcher> logger) : BackgroundService
{
    /// <summary>A watch that ends sooner than this without a single event counts as a failure (no tight reconnect loop).</summary>
    private static readonly TimeSpan MinimumWatch = TimeSpan.FromSeconds(1);

    private readonly InventoryOptions _options = options.Value;
    private readonly LeadershipHeartbeat _heartbeat = new(store, leadership.Identity, options.Value, time, logger);
    private volatile bool _forbidden;

    /// <summary>Completed lists (each followed by a reconcile); tests and health read it.</summary>
    public int Lists { get; private set; }

    /// <summary>The last resourceVersion seen (list, event or bookmark); null when the next step is a list.</summary>
    public string? ResourceVersion { get; private set; }

    /// <summary>True while the API server refuses to let this replica list or watch pods.</summary>
    public bool Forbidden => _forbidden;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await leadership.RunWhileLeaderAsync(LeadAsync, stoppingToken, async () =>
            {
                // Whatever another leader did meanwhile, the next term starts from a list that reconciles it.
                ResourceVersion = null;
                await _heartbeat.ClearAsync();
                if (!stoppingToken.IsCancellationRequested) LogStandingDown(logger, leadership.Identity);
            });
        }
        finally
        {
            await _heartbeat.ClearAsync();
        }
    }

    private async Task LeadAsync(CancellationToken stoppingToken)
    {
        LogLeading(logger, leadership.Identity);
        var failures = 0;
        var lastList = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (ResourceVersion is null || time.GetUtcNow() - lastList >= _options.ResyncInterval)
                {
                    ResourceVersion = await ListAndReconcileAsync(stoppingToken);
                    lastList = time.GetUtcNow();
                    Permitted();
                    await _heartbeat.BeatAsync(force: true);
                }
                var untilResync = lastList + _options.ResyncInterval - time.GetUtcNow();
                var started = time.GetUtcNow();
                var events = 0;
                var resumeFrom = await WatchAsync(ResourceVersion, untilResync, () =>
                {
                    failures = 0;
                    events++;
                    Permitted();
                }, stoppingToken);
                ResourceVersion = resumeFrom;
                if (resumeFrom is not null && events == 0 && time.GetUtcNow() - started < Min(MinimumWatch, _options.WatchTimeout))
                {
                    failures++;
                    var delay = Backoff(failures);
                    LogFailed(logger, "EmptyWatch", "the watch ended at once without an event", delay);
                    await Task.Delay(delay, time, stoppingToken);
                }
                else if (resumeFrom is not null)
                {
                    await _heartbeat.BeatAsync(force: false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Gone)
            {
                LogGone(logger);
                ResourceVersion = null;
            }
            catch (Exception ex) when (ForbiddenStatus(ex) is { } status)
            {
                failures++;
                if (!_forbidden)
                {
                    _forbidden = true;
                    LogForbidden(logger, status, ex.Message, _options.MaxBackoff);
                    await _heartbeat.ClearAsync();
                }
                await Task.Delay(Backoff(int.MaxValue), time, stoppingToken);
            }
            catch (Exception ex)
            {
                // Every other failure (API server, network, store) is retried: a crashed watcher would end the host.
                failures++;
                var delay = Backoff(failures);
                LogFailed(logger, ex.GetType().Name, ex.Message, delay);
                await Task.Delay(delay, time, stoppingToken);
            }
        }
    }

    private void Permitted()
    {
        if (!_forbidden) return;
        _forbidden = false;
        LogPermitted(logger);
    }

    /// <summary>Lists every pod (page by page), writes each and removes what the store holds beyond them.</summary>
    /// <returns>The list's resourceVersion, from which the watch starts.</returns>
    public async Task<string> ListAndReconcileAsync(CancellationToken cancellationToken)
    {
        var listed = new HashSet<string>(StringComparer.Ordinal);
        string? continueToken = null;
        string resourceVersion;
        do
        {
            var page = await ListPageAsync(continueToken, cancellationToken);
            foreach (var pod in page.Items ?? [])
            {
                listed.Add(PodProjection.KeyOf(pod));
                await ApplyAsync(pod, cancellationToken);
            }
            resourceVersion = page.Metadata?.ResourceVersion ?? "";
            continueToken = page.Metadata?.ContinueProperty;
        }
        while (!string.IsNullOrEmpty(continueToken));

        var removed = await inventory.ReconcileAsync(listed);
        Lists++;
        LogListed(logger, listed.Count, removed, resourceVersion);
        return resourceVersion;
    }

    /// <returns>The resourceVersion to resume from; null to list again (410 Gone or resync due).</returns>
    private async Task<string?> WatchAsync(string resourceVersion, TimeSpan untilResync, Action progressed, CancellationToken stoppingToken)
    {
        if (untilResync <= TimeSpan.Zero) return null;
        using var resync = new CancellationTokenSource(untilResync, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, resync.Token);
        Exception? error = null;
        var seconds = (int)Math.Ceiling(_options.WatchTimeout.TotalSeconds);
        void OnError(Exception ex) => error ??= ex;
        var events = string.IsNullOrEmpty(_options.Namespace)
            ? client.CoreV1.WatchListPodForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: resourceVersion,
                timeoutSeconds: seconds, onError: OnError, cancellationToken: linked.Token)
            : client.CoreV1.WatchListNamespacedPodAsync(_options.Namespace, allowWatchBookmarks: true, resourceVersion: resourceVersion,
                timeoutSeconds: seconds, onError: OnError, cancellationToken: linked.Token);
        try
        {
            await foreach (var (type, pod) in events)
            {
                switch (type)
                {
                    case WatchEventType.Added or WatchEventType.Modified:
                        await ApplyAsync(pod, linked.Token);
                        break;
                    case WatchEventType.Deleted:
                        await inventory.RemovePodAsync(PodProjection.KeyOf(pod));
                        break;
                }
                // Bookmarks carry only a resourceVersion: remembering it keeps a resumed watch inside the retention window.
                resourceVersion = pod?.Metadata?.ResourceVersion is { Length: > 0 } seen ? seen : resourceVersion;
                ResourceVersion = resourceVersion;
                progressed();
                await _heartbeat.BeatAsync(force: false);
            }
        }
        catch (OperationCanceledException) when (resync.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
        {
            return null;
        }
        if (resync.IsCancellationRequested && !stoppingToken.IsCancellationRequested) return null;
        switch (error)
        {
            case KubernetesException { Status.Code: (int)HttpStatusCode.Gone }:
                LogGone(logger);
                return null;
            case OperationCanceledException when stoppingToken.IsCancellationRequested:
                stoppingToken.ThrowIfCancellationRequested();
                break;
            case not null:
                throw new WatchFailedException(error);
        }
        return resourceVersion;
    }

    private async Task ApplyAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        var owner = await owners.ResolveAsync(pod, cancellationToken);
        await inventory.PutPodAsync(PodProjection.KeyOf(pod), PodProjection.Entries(pod, owner));
    }

    private Task<V1PodList> ListPageAsync(string? continueToken, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(_options.Namespace)
            ? client.CoreV1.ListPodForAllNamespacesAsync(continueParameter: continueToken, limit: _options.ListPageSize, cancellationToken: cancellationToken)
            : client.CoreV1.ListNamespacedPodAsync(_options.Namespace, continueParameter: continueToken, limit: _options.ListPageSize,
                cancellationToken: cancellationToken);

    /// <summary>Capped exponential backoff with ±20% jitter, so replicas restarted together do not retry in step.</summary>
    private TimeSpan Backoff(int failures)
    {
        var exponential = _options.InitialBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 20));
        var capped = Math.Min(exponential, _options.MaxBackoff.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + 0.4 * Random.Shared.NextDouble()));
    }

    /// <summary>401/403 from the list, the watch request or a watch ERROR event; null for any other failure.</summary>
    private static int? ForbiddenStatus(Exception ex) => ex switch
    {
        HttpOperationException { Response.StatusCode: HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized } http => (int)http.Response.StatusCode,
        KubernetesException { Status.Code: (int)HttpStatusCode.Forbidden or (int)HttpStatusCode.Unauthorized } k => k.Status.Code,
        WatchFailedException { InnerException: { } inner } => ForbiddenStatus(inner),
        _ => null,
    };

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [LoggerMessage(Level = LogLevel.Information, Message = "Pod inventory listed {Count} pods, removed {Removed} gone ones, resourceVersion {ResourceVersion}")]
    private static partial void LogListed(ILogger logger, int count, int removed, string resourceVersion);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pod watch resourceVersion expired (410 Gone); listing again")]
    private static partial void LogGone(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pod inventory: {Identity} leads; listing and watching pods")]
    private static partial void LogLeading(ILogger logger, string identity);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pod inventory: {Identity} no longer leads; pod watch stopped")]
    private static partial void LogStandingDown(ILogger logger, string identity);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "No permission to watch pods ({Status}: {Reason}); inventory falls back to the admission feed; retrying about every {Delay}")]
    private static partial void LogForbidden(ILogger logger, int status, string reason, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Permission to watch pods granted again; the pod watch resumes")]
    private static partial void LogPermitted(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pod inventory watch failed ({Type}: {Reason}); retrying in {Delay}")]
    private static partial void LogFailed(ILogger logger, string type, string reason, TimeSpan delay);
}

/// <summary>The watch stream reported an error other than 410 Gone (connection lost, bad event).</summary>
public sealed class WatchFailedException(Exception inner) : Exception("pod watch failed: " + inner.Message, inner);
