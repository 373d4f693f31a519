using k8s;
using k8s.LeaderElection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gatehouse.Policy.Inventory;

/// <summary>
/// Competes for the inventory Lease (coordination.k8s.io/v1) with the other policy replicas and keeps
/// <see cref="InventoryLeadership"/> current: leading from the moment the Lease is acquired until a renewal misses its
/// deadline (the leader's work is then cancelled at once, before another replica may take the Lease over), then
/// competing again. A replica that may not read or write the Lease never leads; the admission feed covers the inventory.
/// On shutdown the Lease is released so another replica takes over without waiting for it to expire.
/// </summary>
public sealed partial class LeadershipElection(
    IKubernetes client, InventoryLeadership leadership, IOptions<LeadershipOptions> options, TimeProvider time,
    ILogger<LeadershipElection> logger) : BackgroundService
{
    private readonly LeadershipOptions _options = options.Value;
    private bool _accessProblem;

    /// <summary>The Lease this replica competes for (<c>namespace/name</c>), known once started.</summary>
    public string? Lease { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var leaseLock = new LeadershipLeaseLock(client, _options.ResolveNamespace(), _options.LeaseName, leadership.Identity);
        Lease = leaseLock.Describe();
        leaseLock.AccessChanged += (access, error) => LogAccess(access, error);
        using var elector = new LeaderElector(new LeaderElectionConfig(leaseLock)
        {
            LeaseDuration = _options.LeaseDuration, RenewDeadline = _options.RenewDeadline, RetryPeriod = _options.RetryPeriod,
        });
        elector.OnStartedLeading += () =>
        {
            LogLeading(logger, leadership.Identity, Lease);
            leadership.Acquired();
        };
        elector.OnStoppedLeading += () =>
        {
            if (!leadership.IsLeader) return;
            leadership.Lost();
            if (!stoppingToken.IsCancellationRequested) LogLost(logger, leadership.Identity, Lease);
        };
        elector.OnNewLeader += leader =>
        {
            leadership.Observed(leader);
            if (leader != leadership.Identity && !string.IsNullOrEmpty(leader)) LogFollowing(logger, leader, Lease);
        };
        // Lease access problems are logged once per change by the lock; the elector's own reports are detail.
        elector.OnError += ex => LogElectorError(logger, ex);
        LogCompeting(logger, leadership.Identity, Lease);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await elector.RunUntilLeadershipLostAsync(stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex)
                {
                    // The library lets some failures escape; they mean "not leading now", never "stop competing".
                    leadership.Lost();
                    LogElectionFailed(logger, ex.GetType().Name, ex.Message);
                }
                // Between terms (and after a failure) wait a retry period, so nothing here can spin.
                await Task.Delay(_options.RetryPeriod, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            leadership.Lost();
            // Released only if the Lease still names this replica (it may have lost it already).
            await ReleaseAsync(leaseLock);
        }
    }

    private async Task ReleaseAsync(LeadershipLeaseLock leaseLock)
    {
        // The leader's work has been cancelled (Lost above); the watcher, registered after this service, stopped first.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), time);
        if (await leaseLock.ReleaseAsync(timeout.Token)) LogReleased(logger, leadership.Identity, Lease);
    }

    private void LogAccess(LeaseAccess access, Exception? error)
    {
        switch (access)
        {
            case LeaseAccess.Forbidden:
                _accessProblem = true;
                LogForbidden(logger, Lease, error?.Message);
                break;
            case LeaseAccess.Unreachable:
                _accessProblem = true;
                LogUnreachable(logger, Lease, error?.Message);
                break;
            case LeaseAccess.Ok when _accessProblem:
                _accessProblem = false;
                LogAccessOk(logger, Lease);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Inventory leadership: {Identity} competes for lease {Lease}")]
    private static partial void LogCompeting(ILogger logger, string identity, string? lease);

    [LoggerMessage(Level = LogLevel.Information, Message = "Inventory leadership: {Identity} leads (lease {Lease}); this replica runs the pod watch")]
    private static partial void LogLeading(ILogger logger, string identity, string? lease);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inventory leadership: {Identity} lost lease {Lease} (not renewed in time); its pod watch stops")]
    private static partial void LogLost(ILogger logger, string identity, string? lease);

    [LoggerMessage(Level = LogLevel.Information, Message = "Inventory leadership: {Leader} leads (lease {Lease})")]
    private static partial void LogFollowing(ILogger logger, string leader, string? lease);

    [LoggerMessage(Level = LogLevel.Information, Message = "Inventory leadership: {Identity} released lease {Lease} on shutdown")]
    private static partial void LogReleased(ILogger logger, string identity, string? lease);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inventory leadership: election failed ({Type}: {Reason}); competing again")]
    private static partial void LogElectionFailed(ILogger logger, string type, string reason);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Inventory leadership: no permission on lease {Lease} ({Reason}); this replica cannot lead; the inventory falls back to the admission feed unless another replica leads")]
    private static partial void LogForbidden(ILogger logger, string? lease, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inventory leadership: lease {Lease} unreachable ({Reason}); retrying")]
    private static partial void LogUnreachable(ILogger logger, string? lease, string? reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Inventory leadership: an acquire or renew attempt failed")]
    private static partial void LogElectorError(ILogger logger, Exception? exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Inventory leadership: lease {Lease} is readable and writable again")]
    private static partial void LogAccessOk(ILogger logger, string? lease);
}
