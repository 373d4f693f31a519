using Gatehouse.Contracts.Messages;
using System.Globalization;
using StackExchange.Redis;

namespace Gatehouse.Admission.BreakGlass;

/// <summary>An append-only record of every break-glass use.</summary>
public interface IBreakGlassAudit
{
    Task AppendAsync(BreakGlassUsed use, CancellationToken cancellationToken);
}

/// <summary>Redis stream <see cref="Key"/> (XADD), one entry per use, capped so it cannot grow without bound.</summary>
public sealed class RedisBreakGlassAudit(IConnectionMultiplexer redis) : IBreakGlassAudit
{
    public const string Key = Gatehouse.Contracts.StoreKeys.BreakGlassAudit;

    /// <summary>Approximate cap (MAXLEN ~): years of emergency use, bounded memory.</summary>
    public const int MaxEntries = 100_000;

    public Task AppendAsync(BreakGlassUsed use, CancellationToken cancellationToken) =>
        redis.GetDatabase().StreamAddAsync(Key, Fields(use), maxLength: MaxEntries, useApproximateMaxLength: true).WaitAsync(cancellationToken);

    public static NameValueEntry[] Fields(BreakGlassUsed use) =>
    [
        new("namespace", use.Namespace),
        new("object", use.Object),
        new("digest", use.Digest),
        new("image", use.Image),
        new("user", use.User),
        new("ticket", use.Ticket),
        new("reason", use.Reason),
        new("profile", use.Profile),
        new("denial", use.Denial),
        new("expiresAt", use.ExpiresAt.ToString("O", CultureInfo.InvariantCulture)),
        new("usedAt", use.UsedAt.ToString("O", CultureInfo.InvariantCulture)),
    ];
}

/// <summary>The embedded default: an in-process list (lost with the process, like the rest of the embedded store).</summary>
public sealed class InMemoryBreakGlassAudit : IBreakGlassAudit
{
    private readonly List<BreakGlassUsed> _entries = [];
    private readonly Lock _gate = new();

    public IReadOnlyList<BreakGlassUsed> Entries
    {
        get { lock (_gate) return [.. _entries]; }
    }

    public Task AppendAsync(BreakGlassUsed use, CancellationToken cancellationToken)
    {
        lock (_gate) _entries.Add(use);
        return Task.CompletedTask;
    }
}
