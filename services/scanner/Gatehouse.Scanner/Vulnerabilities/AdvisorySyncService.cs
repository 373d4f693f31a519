using Gatehouse.Contracts.Messages;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gatehouse.Scanner.Vulnerabilities;

/// <summary>
/// Keeps the advisory snapshot current: loads it at start (so the first scan pays nothing), checks the store's data
/// version every <see cref="AdvisoryDataOptions.RefreshInterval"/>, and, on a replica with
/// <see cref="AdvisoryDataOptions.Sources"/>, imports them every <see cref="AdvisoryDataOptions.SyncInterval"/> and
/// publishes <see cref="AdvisoriesUpdated"/> with the changed packages. An announcement that could not be published
/// is kept and retried on the next tick: the import is committed, so skipping it would leave images un-re-evaluated.
/// </summary>
public sealed partial class AdvisorySyncService(
    AdvisoryDatabase database, IBus bus, IOptions<AdvisoryDataOptions> options, IHostApplicationLifetime lifetime,
    TimeProvider time, ILogger<AdvisorySyncService> logger) : BackgroundService
{
    private readonly List<AdvisoriesUpdated> _unpublished = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The bus starts with the host; publishing before that would fail.
        if (!await StartedAsync(lifetime, stoppingToken))
        {
            return;
        }

        var settings = options.Value;
        var nextSync = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (settings.Sources.Count > 0 && time.GetUtcNow() >= nextSync)
                {
                    await SyncAsync(settings.Sources, stoppingToken);
                    nextSync = time.GetUtcNow() + settings.SyncInterval;
                }
                await database.RefreshAsync(stoppingToken);
                await PublishPendingAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogTickFailed(logger, e);
            }

            var wait = settings.Sources.Count > 0 ? Min(settings.RefreshInterval, nextSync - time.GetUtcNow()) : settings.RefreshInterval;
            try
            {
                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task SyncAsync(IReadOnlyList<string> sources, CancellationToken cancellationToken)
    {
        foreach (var source in sources)
        {
            try
            {
                var report = await database.ImportAsync(source, cancellationToken);
                LogImported(logger, source, report.Added, report.Updated, report.Withdrawn, report.Invalid, report.ChangedPackages.Count, report.DataVersion);
                if (report.ToAdvisoriesUpdated(time.GetUtcNow()) is { } updated)
                {
                    _unpublished.Add(updated);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One unreachable mirror must not hold back the others; it is tried again next interval.
                LogSourceFailed(logger, source, e);
            }
        }
    }

    private async Task PublishPendingAsync(CancellationToken cancellationToken)
    {
        while (_unpublished.Count > 0)
        {
            await bus.Publish(_unpublished[0], cancellationToken);
            _unpublished.RemoveAt(0);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static async Task<bool> StartedAsync(IHostApplicationLifetime lifetime, CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        try
        {
            await started.Task;
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Advisories from {Source}: {Added} added, {Updated} updated, {Withdrawn} withdrawn, {Invalid} invalid; {Packages} packages changed; data version {DataVersion}")]
    private static partial void LogImported(ILogger logger, string source, int added, int updated, int withdrawn, int invalid, int packages, string dataVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Advisory source {Source} could not be imported; retrying next interval")]
    private static partial void LogSourceFailed(ILogger logger, string source, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Advisory refresh failed; retrying next interval")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);
}
