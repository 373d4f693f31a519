using System.Collections.Concurrent;
using System.Threading.Channels;
using Gatehouse.Admission.BreakGlass;
using Gatehouse.Contracts.Messages;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gatehouse.Admission;

/// <summary>
/// What admission tells the rest of the system (scan requests, break-glass uses, admitted workloads), queued so the answer never
/// waits for the broker or the audit stream. A digest is asked to be scanned at most once per window, since
/// controllers retry a denied pod every few seconds.
/// </summary>
public sealed class SideEffects(IOptions<AdmissionOptions> options, TimeProvider time)
{
    private readonly Channel<object> _queue = Channel.CreateBounded<object>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    private readonly ConcurrentDictionary<string, DateTimeOffset> _scanRequested = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _admitted = new(StringComparer.Ordinal);
    private readonly TimeSpan _window = options.Value.ScanRequestWindow;
    private readonly TimeSpan _feedWindow = options.Value.InventoryFeedWindow;

    internal ChannelReader<object> Reader => _queue.Reader;

    /// <summary>Queues a scan request unless one for the same reference was queued within the window.</summary>
    public void RequestScan(string reference, string reason)
    {
        var now = time.GetUtcNow();
        if (_scanRequested.TryGetValue(reference, out var last) && now - last < _window) return;
        _scanRequested[reference] = now;
        if (_scanRequested.Count > 50_000) Prune(_scanRequested, now, _window);
        Enqueue(new ScanRequested(reference, reason, now));
    }

    public void BreakGlassUsed(BreakGlassUsed use) => Enqueue(use);

    /// <summary>Queues the inventory feed for an admitted workload unless the same workload with the same images was queued within the window.</summary>
    public void WorkloadAdmitted(WorkloadAdmitted admitted)
    {
        ArgumentNullException.ThrowIfNull(admitted);
        if (_feedWindow == TimeSpan.Zero) return;
        var key = $"{admitted.Namespace}/{admitted.OwnerKind}/{admitted.OwnerName}#{string.Join(',', admitted.Containers.Select(c => c.Name + "=" + c.Digest))}";
        var now = time.GetUtcNow();
        if (_admitted.TryGetValue(key, out var last) && now - last < _feedWindow) return;
        _admitted[key] = now;
        if (_admitted.Count > 50_000) Prune(_admitted, now, _feedWindow);
        Enqueue(admitted);
    }

    private void Enqueue(object item)
    {
        // Full only if the broker and Redis have been unreachable for thousands of requests; the answer must not wait.
        if (!_queue.Writer.TryWrite(item)) AdmissionTelemetry.SideEffectsDropped.Add(1, new KeyValuePair<string, object?>("type", item.GetType().Name));
    }

    private static void Prune(ConcurrentDictionary<string, DateTimeOffset> seen, DateTimeOffset now, TimeSpan window)
    {
        foreach (var (key, at) in seen)
        {
            if (now - at >= window) seen.TryRemove(key, out _);
        }
    }
}

/// <summary>Drains <see cref="SideEffects"/>: publishes on the bus and appends break-glass uses to the audit stream, with retries.</summary>
internal sealed partial class SideEffectPublisher(SideEffects effects, IBus bus, IBreakGlassAudit audit, ILogger<SideEffectPublisher> logger)
    : BackgroundService
{
    private const int Attempts = 5;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var item in effects.Reader.ReadAllAsync(stoppingToken))
            {
                switch (item)
                {
                    case ScanRequested scan:
                        await RetryAsync(ct => bus.Publish(scan, ct), "publish ScanRequested " + scan.Reference, stoppingToken);
                        break;
                    case WorkloadAdmitted admitted:
                        await RetryAsync(ct => bus.Publish(admitted, ct), "publish WorkloadAdmitted " + admitted.Object, stoppingToken);
                        break;
                    case BreakGlassUsed use:
                        // The audit entry first: it is the record that must exist whatever happens to the message.
                        await RetryAsync(ct => audit.AppendAsync(use, ct), "append break-glass audit entry", stoppingToken);
                        await RetryAsync(ct => bus.Publish(use, ct), "publish BreakGlassUsed", stoppingToken);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what is still queued is lost, as a crash would lose it; scans are requested again.
        }
    }

    private async Task RetryAsync(Func<CancellationToken, Task> action, string what, CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                await action(timeout.Token);
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                if (attempt == Attempts)
                {
                    LogGaveUp(logger, ex, what, attempt);
                    return;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(200 * (1 << attempt)), stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not {What} after {Attempts} attempts")]
    private static partial void LogGaveUp(ILogger logger, Exception ex, string what, int attempts);
}
