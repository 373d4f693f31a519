using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Admission.Profiles;

/// <summary>
/// Keeps <see cref="NamespaceLabels"/> current from the API server: list, then watch from the list's
/// resourceVersion; on any error (or 410 Gone) list again after a back-off. Only this background task talks to
/// the API server; admission requests read the snapshot it maintains.
/// </summary>
internal sealed partial class NamespaceWatcher(NamespaceLabels labels, IKubernetes client, ILogger<NamespaceWatcher> logger)
    : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var list = await client.CoreV1.ListNamespaceAsync(cancellationToken: stoppingToken);
                labels.ReplaceAll(list.Items.Select(n => KeyValuePair.Create(n.Metadata.Name, (IReadOnlyDictionary<string, string>)LabelsOf(n))));
                labels.MarkSynced();
                LogListed(logger, list.Items.Count);
                backoff = TimeSpan.FromSeconds(1);
                await WatchAsync(list.Metadata.ResourceVersion, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogWatchFailed(logger, ex, backoff.TotalSeconds);
                await Task.Delay(backoff, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    private async Task WatchAsync(string resourceVersion, CancellationToken stoppingToken)
    {
        Exception? watchError = null;
        var events = client.CoreV1.WatchListNamespaceAsync(
            resourceVersion: resourceVersion, allowWatchBookmarks: true, onError: e => watchError = e, cancellationToken: stoppingToken);
        await foreach (var (type, item) in events)
        {
            switch (type)
            {
                case WatchEventType.Added or WatchEventType.Modified:
                    labels.Set(item.Metadata.Name, LabelsOf(item));
                    break;
                case WatchEventType.Deleted:
                    labels.Remove(item.Metadata.Name);
                    break;
                case WatchEventType.Error:
                    throw new HttpOperationException("namespace watch reported an error (resource version expired?); listing again");
            }
        }
        // The server closes watches after a while; an error seen by the watcher means list again, not resume.
        if (watchError is not null) throw new HttpOperationException("namespace watch failed", watchError);
    }

    private static Dictionary<string, string> LabelsOf(V1Namespace ns) =>
        ns.Metadata.Labels is { } l ? new Dictionary<string, string>(l, StringComparer.Ordinal) : new Dictionary<string, string>();

    [LoggerMessage(Level = LogLevel.Information, Message = "Listed {Count} namespaces; watching for label changes")]
    private static partial void LogListed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Namespace watch failed; listing again in {Seconds} s (profiles keep the last known labels)")]
    private static partial void LogWatchFailed(ILogger logger, Exception ex, double seconds);
}
