using System.Threading.Channels;
using Gatehouse.Contracts;
using Gatehouse.Policy.Model;
using StackExchange.Redis;

namespace Gatehouse.Policy.Decisions;

/// <summary>Tells admission replicas that cached decisions changed (<see cref="StoreKeys.DecisionChannel"/>).</summary>
public interface IDecisionAnnouncer
{
    Task AnnounceAsync(DecisionAnnouncement announcement);
}

/// <summary>Redis pub/sub: every subscribed admission replica drops the named entries from its L1.</summary>
public sealed class RedisDecisionAnnouncer(IConnectionMultiplexer redis) : IDecisionAnnouncer
{
    public Task AnnounceAsync(DecisionAnnouncement announcement)
    {
        ArgumentNullException.ThrowIfNull(announcement);
        return redis.GetSubscriber().PublishAsync(RedisChannel.Literal(StoreKeys.DecisionChannel), announcement.Format());
    }
}

/// <summary>
/// The embedded default (in-process store): announcements go to in-process readers, e.g. admission in the same
/// process. Bounded and lossy on overflow: a reader that falls behind re-reads, it never blocks policy.
/// </summary>
public sealed class InProcessDecisionAnnouncer : IDecisionAnnouncer
{
    private readonly Channel<DecisionAnnouncement> _channel = Channel.CreateBounded<DecisionAnnouncement>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });

    public ChannelReader<DecisionAnnouncement> Announcements => _channel.Reader;

    public Task AnnounceAsync(DecisionAnnouncement announcement)
    {
        _channel.Writer.TryWrite(announcement);
        return Task.CompletedTask;
    }
}
