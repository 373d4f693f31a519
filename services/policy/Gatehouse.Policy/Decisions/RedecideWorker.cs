using System.Threading.Channels;
using Gatehouse.Policy.Facts;
using Gatehouse.Policy.Sources;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Policy.Decisions;

/// <summary>Asks for every known digest to be decided again (a trust-root or advisory-data version changed).</summary>
public sealed class RedecideRequests
{
    private readonly Channel<string> _requests = Channel.CreateBounded<string>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Coalesces: while one request is pending, further ones add nothing.</summary>
    public void Request(string why) => _requests.Writer.TryWrite(why);

    internal ChannelReader<string> Reader => _requests.Reader;
}

/// <summary>
/// Keeps decisions current with policy: once policies are loaded, and after every policy change or version
/// change, publishes each profile's versions and re-decides every known digest. Runs at start-up too, so a
/// policy changed while the service was down is applied to existing records.
/// </summary>
public sealed partial class RedecideWorker(
    PolicySetHolder policies, RedecideRequests requests, FactStore facts, ObservedVersions versions, DecisionRecorder recorder,
    DigestDecider decider, IBus bus, ILogger<RedecideWorker> logger) : BackgroundService
{
    /// <summary>Wait before retrying a round that failed (e.g. Redis down at start-up).</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await policies.Loaded.WaitAsync(stoppingToken);
        var why = "start-up";
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RedecideAllAsync(why, stoppingToken);
                why = await NextReasonAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Retry the same round: versions must get published even if the store was down at start-up.
                LogFailed(logger, why, ex);
                await Task.Delay(RetryDelay, stoppingToken);
            }
        }
    }

    public async Task RedecideAllAsync(string why, CancellationToken cancellationToken)
    {
        var set = policies.Current;
        // Versions first: between the two steps, records read as stale (unknown), never as a stale allow.
        await recorder.PublishVersionsAsync(set, await versions.ReadAsync());
        var digests = await facts.KnownDigestsAsync();
        LogRedeciding(logger, digests.Count, set.Generation, why);
        foreach (var digest in digests)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await decider.DecideAsync(digest, bus, cancellationToken);
        }
    }

    private async Task<string> NextReasonAsync(CancellationToken cancellationToken)
    {
        var policyChange = policies.Changes.WaitToReadAsync(cancellationToken).AsTask();
        var request = requests.Reader.WaitToReadAsync(cancellationToken).AsTask();
        await Task.WhenAny(policyChange, request);
        cancellationToken.ThrowIfCancellationRequested();
        var why = "";
        // Drain both: one round covers every change so far.
        while (policies.Changes.TryRead(out var set)) why = $"policy set generation {set.Generation}";
        while (requests.Reader.TryRead(out var reason)) why = why.Length == 0 ? reason : $"{why}; {reason}";
        return why.Length == 0 ? "change" : why;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-deciding {Count} digests under policy set generation {Generation} ({Why})")]
    private static partial void LogRedeciding(ILogger logger, int count, long generation, string why);

    [LoggerMessage(Level = LogLevel.Error, Message = "Re-deciding after {Why} failed")]
    private static partial void LogFailed(ILogger logger, string why, Exception exception);
}
