using Gatehouse.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Gatehouse.Admission.Decisions;

/// <summary>
/// Keeps the L1 honest: applies policy's announcements on <see cref="StoreKeys.DecisionChannel"/> and tells the L1
/// when the subscription is down (invalidations may be missed) or back (entries read from then on are trusted).
/// </summary>
internal sealed partial class DecisionInvalidationSubscriber(
    IConnectionMultiplexer redis, DecisionL1 l1, ILogger<DecisionInvalidationSubscriber> logger) : BackgroundService
{
    private static readonly RedisChannel Channel = RedisChannel.Literal(StoreKeys.DecisionChannel);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        redis.ConnectionFailed += OnConnectionFailed;
        redis.ConnectionRestored += OnConnectionRestored;
        try
        {
            var delay = TimeSpan.FromMilliseconds(250);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await redis.GetSubscriber().SubscribeAsync(Channel, (_, message) => InvalidationMessage.Apply(l1, message.ToString()))
                        .WaitAsync(TimeSpan.FromSeconds(5), stoppingToken);
                    l1.SubscriptionRestored();
                    LogSubscribed(logger, StoreKeys.DecisionChannel);
                    break;
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogSubscribeFailed(logger, ex, delay.TotalSeconds);
                    await Task.Delay(delay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
                }
            }
            // The multiplexer re-subscribes by itself after a reconnect; the events below track that.
            await Task.Delay(Timeout.Infinite, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        finally
        {
            redis.ConnectionFailed -= OnConnectionFailed;
            redis.ConnectionRestored -= OnConnectionRestored;
            l1.SubscriptionLost();
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        l1.SubscriptionLost();
        LogConnectionLost(logger, e.ConnectionType, e.FailureType);
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        // Trust again only once the channel itself is subscribed; a restored interactive link alone is not enough.
        if (!redis.GetSubscriber().IsConnected(Channel)) return;
        l1.SubscriptionRestored();
        LogConnectionRestored(logger, e.ConnectionType);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscribed to {Channel}; the decision L1 is active")]
    private static partial void LogSubscribed(ILogger logger, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not subscribe to decision invalidations; retrying in {Seconds} s (every lookup goes to Redis meanwhile)")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception ex, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis connection lost ({ConnectionType}, {FailureType}); L1 answers only within MaxStaleness until it is back")]
    private static partial void LogConnectionLost(ILogger logger, ConnectionType connectionType, ConnectionFailureType failureType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis connection restored ({ConnectionType}); L1 entries are re-read once")]
    private static partial void LogConnectionRestored(ILogger logger, ConnectionType connectionType);
}

/// <summary>
/// The announcement format on <see cref="StoreKeys.DecisionChannel"/>: <c>&lt;profile&gt;</c> when a profile's
/// versions changed, <c>&lt;profile&gt;:&lt;digest&gt;</c> (or the decision key itself, or the two separated by a
/// space or '/') when one decision changed. Anything else clears the whole L1: over-invalidating is safe.
/// </summary>
public static class InvalidationMessage
{
    public static void Apply(DecisionL1 l1, string? message)
    {
        if (Parse(message, out var profile, out var digest))
        {
            if (digest is null) l1.InvalidateProfile(profile);
            else l1.InvalidateDecision(profile, digest);
        }
        else
        {
            l1.InvalidateAll();
        }
    }

    public static bool Parse(string? message, out string profile, out string? digest)
    {
        profile = "";
        digest = null;
        if (string.IsNullOrWhiteSpace(message)) return false;
        var text = message.Trim();
        const string decisionKeyPrefix = StoreKeys.Prefix + "dec:";
        if (text.StartsWith(decisionKeyPrefix, StringComparison.Ordinal)) text = text[decisionKeyPrefix.Length..];
        var at = text.IndexOf("sha256:", StringComparison.Ordinal);
        if (at < 0) at = text.IndexOf("sha512:", StringComparison.Ordinal);
        if (at < 0)
        {
            profile = text;
            return IsProfileName(profile);
        }
        digest = text[at..];
        profile = text[..at].TrimEnd(':', ' ', '/', '@');
        return IsProfileName(profile) && ContentDigest.IsValid(digest);
    }

    private static bool IsProfileName(string name) =>
        name.Length is > 0 and <= 253 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_');
}
