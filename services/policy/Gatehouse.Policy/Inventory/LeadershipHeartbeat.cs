using System.Globalization;
using Gatehouse.Contracts;
using Gatehouse.ServiceDefaults.Store;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Policy.Inventory;

/// <summary>
/// The leader's "my pod watch is synced" mark: <see cref="StoreKeys.InventoryWatchSynced"/> = <c>identity time</c> with a
/// TTL. Set after each list that reconciled the store, refreshed on watch progress at most every
/// <see cref="InventoryOptions.HeartbeatInterval"/>, deleted when the watch stops, leadership ends or the watch may not
/// read pods, and otherwise left to lapse when the watch keeps failing. While it is present the admission feed adds
/// nothing to the inventory (the watch already knows every pod). Store failures are logged, never thrown: a missed
/// heartbeat only lets the admission feed in.
/// </summary>
public sealed partial class LeadershipHeartbeat(IKeyValueStore store, string identity, InventoryOptions options, TimeProvider time, ILogger logger)
{
    private DateTimeOffset _last = DateTimeOffset.MinValue;
    private bool _failing;

    /// <summary>About twice the watch timeout (and never less than two heartbeat intervals): a healthy watch refreshes well within it.</summary>
    public TimeSpan Ttl { get; } = 2 * (options.WatchTimeout > options.HeartbeatInterval ? options.WatchTimeout : options.HeartbeatInterval);

    /// <summary>Sets the mark; unless <paramref name="force"/>, only when the last one is older than the heartbeat interval.</summary>
    public async Task BeatAsync(bool force)
    {
        var now = time.GetUtcNow();
        if (!force && now - _last < options.HeartbeatInterval) return;
        try
        {
            await store.SetAsync(StoreKeys.InventoryWatchSynced, $"{identity} {now.ToString("O", CultureInfo.InvariantCulture)}", Ttl);
            _last = now;
            if (_failing) LogStoreRecovered(logger);
            _failing = false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (!_failing) LogStoreFailed(logger, ex.GetType().Name, ex.Message);
            _failing = true;
        }
    }

    /// <summary>Deletes the mark if it is this replica's (a new leader's mark is left alone).</summary>
    public async Task ClearAsync()
    {
        _last = DateTimeOffset.MinValue;
        try
        {
            // Get-then-delete is not atomic; a new leader sets its mark only after a full list, long after this one
            // stopped (its lease wait alone exceeds our renew deadline), so the window is not reached in practice.
            var current = await store.GetAsync(StoreKeys.InventoryWatchSynced);
            if (current is not null && current.StartsWith(identity + " ", StringComparison.Ordinal))
                await store.DeleteAsync(StoreKeys.InventoryWatchSynced);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogStoreFailed(logger, ex.GetType().Name, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pod watch heartbeat could not be written ({Type}: {Reason}); the admission feed may add entries meanwhile")]
    private static partial void LogStoreFailed(ILogger logger, string type, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pod watch heartbeat written again")]
    private static partial void LogStoreRecovered(ILogger logger);
}
