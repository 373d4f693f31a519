using Gatehouse.Contracts.Messages;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Policy.BreakGlass;

/// <summary>
/// Keeps the recent break-glass uses admission publishes for the dashboard (embedded mode too: no Redis stream is
/// needed). Idempotent under redelivery; a store failure is rethrown, so the endpoint's retry and error queue apply.
/// </summary>
public sealed partial class BreakGlassHistoryConsumer(BreakGlassHistory history, ILogger<BreakGlassHistoryConsumer> logger) : IConsumer<BreakGlassUsed>
{
    public async Task Consume(ConsumeContext<BreakGlassUsed> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var use = context.Message;
        if (string.IsNullOrWhiteSpace(use.Namespace) || string.IsNullOrWhiteSpace(use.Object) || use.UsedAt == default)
        {
            LogMalformed(logger, use.Namespace, use.Object);
            return;
        }
        if (await history.AddAsync(use)) LogRecorded(logger, use.User, use.Namespace, use.Object, use.Profile);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "BreakGlassUsed without namespace, object or time dropped ({Namespace}/{Object})")]
    private static partial void LogMalformed(ILogger logger, string? @namespace, string? @object);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Break-glass use by {User} for {Namespace}/{Object} under {Profile} recorded for the dashboard")]
    private static partial void LogRecorded(ILogger logger, string user, string @namespace, string @object, string profile);
}

public static class BreakGlassRegistration
{
    /// <summary>The consumer of <see cref="BreakGlassUsed"/> that keeps the recent uses for the dashboard (call from <c>AddPolicyConsumers</c>).</summary>
    public static IBusRegistrationConfigurator AddBreakGlassHistory(this IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.TryAddSingleton<BreakGlassHistory>();
        bus.AddConsumer<BreakGlassHistoryConsumer>();
        return bus;
    }
}
