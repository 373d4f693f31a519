using System.Diagnostics.Metrics;
using Gatehouse.Contracts;
using MassTransit;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Gatehouse.Policy.Consumers;

/// <summary>
/// The one error policy of the fact consumers: a message with an invalid digest is dropped with a warning;
/// an infrastructure failure (store, broker, timeout) is rethrown on purpose so the endpoint's retry and error
/// queue redeliver it (every step is idempotent); anything else is logged and counted, never left unhandled.
/// </summary>
internal static partial class FactConsumerGuard
{
    private static readonly Meter Meter = new("Gatehouse.Policy");
    private static readonly Counter<long> Failures = Meter.CreateCounter<long>("gatehouse.policy.consume_failures");

    public static async Task RunAsync(string messageType, string? digest, ILogger logger, Func<Task> work)
    {
        if (!ContentDigest.IsValid(digest))
        {
            LogInvalidDigest(logger, messageType, digest);
            return;
        }
        try
        {
            await work();
        }
        catch (Exception ex) when (IsTransient(ex))
        {
            LogRetry(logger, messageType, digest, ex.Message);
            throw;
        }
        catch (Exception ex)
        {
            Failures.Add(1, new KeyValuePair<string, object?>("message", messageType));
            LogFailed(logger, messageType, digest, ex);
        }
    }

    private static bool IsTransient(Exception ex) =>
        ex is RedisException or TimeoutException or IOException or MassTransitException or OperationCanceledException;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{MessageType} with invalid digest '{Digest}' dropped")]
    private static partial void LogInvalidDigest(ILogger logger, string messageType, string? digest);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{MessageType} for {Digest} will be retried: {Reason}")]
    private static partial void LogRetry(ILogger logger, string messageType, string digest, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{MessageType} for {Digest} could not be processed")]
    private static partial void LogFailed(ILogger logger, string messageType, string digest, Exception exception);
}
