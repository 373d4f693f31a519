using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gatehouse.Policy.Inventory;

/// <summary>
/// Keeps the runtime inventory equal to the cluster's pods: list (in pages) → reconcile the store → watch from the
/// list's resourceVersion with bookmarks. A watch the server ends is resumed from the last resourceVersion seen
/// (events or bookmarks); 410 Gone (the version was compacted) and the periodic resync list again; failures are
/// retried with capped exponential backoff, resuming the watch when a version is known. Because every list ends with
/// a reconcile against what the store holds, the inventory converges after any fault, including a restart.
/// </summary>
public sealed partial class PodInventoryWatcher(
    IKubernetes client, RuntimeInventory inventory, OwnerResolver owners, IOptions<InventoryOptions> options, TimeProvider time,
    ILogger<PodInventoryWatcher> logger) : BackgroundService
{
    private readonly InventoryOptions _options = options.Value;

    /// <summary>Completed lists (each followed by a reconcile); tests and health read it.</summary>
    public int Lists { get; private set; }

    /// <summary>The last resourceVersion seen (list, event or bookmark).</summary>
    public string? ResourceVersion { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
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
                }
                var untilResync = lastList + _options.ResyncInterval - time.GetUtcNow();
                ResourceVersion = await WatchAsync(ResourceVersion, untilResync, () => failures = 0, stoppingToken);
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
            catch (Exception ex) when (IsTransient(ex))
            {
                failures++;
                var delay = Backoff(failures);
                LogFailed(logger, ex.GetType().Name, ex.Message, delay);
                await Task.Delay(delay, time, stoppingToken);
            }
        }
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

    private static bool IsTransient(Exception ex) =>
        ex is HttpOperationException or HttpRequestException or IOException or KubernetesException or WatchFailedException
            or System.Text.Json.JsonException or OperationCanceledException or TimeoutException;

    [LoggerMessage(Level = LogLevel.Information, Message = "Pod inventory listed {Count} pods, removed {Removed} gone ones, resourceVersion {ResourceVersion}")]
    private static partial void LogListed(ILogger logger, int count, int removed, string resourceVersion);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pod watch resourceVersion expired (410 Gone); listing again")]
    private static partial void LogGone(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pod inventory watch failed ({Type}: {Reason}); retrying in {Delay}")]
    private static partial void LogFailed(ILogger logger, string type, string reason, TimeSpan delay);
}

/// <summary>The watch stream reported an error other than 410 Gone (connection lost, bad event).</summary>
public sealed class WatchFailedException(Exception inner) : Exception("pod watch failed: " + inner.Message, inner);
