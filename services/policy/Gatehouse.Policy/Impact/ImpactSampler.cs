using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gatehouse.Policy.Impact;

/// <summary>The impact sampler (section <c>Gatehouse:Impact</c>).</summary>
public sealed class ImpactOptions
{
    public const string Section = "Gatehouse:Impact";

    /// <summary>How often a snapshot is taken (metrics, dashboard history). Each one reads the whole inventory.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);
}

internal sealed class ImpactOptionsValidator : IValidateOptions<ImpactOptions>
{
    public ValidateOptionsResult Validate(string? name, ImpactOptions options) =>
        options.Interval < TimeSpan.FromSeconds(1) || options.Interval > TimeSpan.FromHours(24)
            ? ValidateOptionsResult.Fail($"{ImpactOptions.Section}:Interval must be between 1 s and 24 h (is {options.Interval}).")
            : ValidateOptionsResult.Success;
}

/// <summary>
/// Takes an impact snapshot every interval on the inventory leader (when it holds the history's sample claim),
/// appends it to the history and serves the latest as gauges: <c>gatehouse.inventory.running_images{severity}</c>
/// (by worst finding) and <c>gatehouse.inventory.denied_running_workloads{profile}</c>. Other replicas serve the
/// latest snapshot taken.
/// </summary>
public sealed partial class ImpactSampler : BackgroundService
{
    private readonly Meter _meter;
    private readonly ImpactCalculator _calculator;
    private readonly ImpactHistory _history;
    private readonly Func<bool> _isLeader;
    private readonly string _replica;
    private readonly ImpactOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ImpactSampler> _logger;
    private volatile ImpactSnapshot? _latest;

    public ImpactSampler(ImpactCalculator calculator, ImpactHistory history, Func<bool> isLeader, string replica, IOptions<ImpactOptions> options,
        TimeProvider time, ILogger<ImpactSampler> logger)
    {
        (_calculator, _history, _isLeader, _replica, _options, _time, _logger) = (calculator, history, isLeader, replica, options.Value, time, logger);
        // Scoped to this instance: hosts in one process (tests, the all-in-one) each report their own snapshot.
        _meter = new Meter(new MeterOptions("Gatehouse.Policy") { Scope = this });
        _meter.CreateObservableGauge("gatehouse.inventory.running_images", () => Measure(s => s.RunningImagesBySeverity, "severity"),
            description: "Running image digests by the severity of their worst finding (unknown: not scanned yet).");
        _meter.CreateObservableGauge("gatehouse.inventory.denied_running_workloads", () => Measure(s => s.DeniedRunningByProfile, "profile"),
            description: "Running containers whose image the profile governing their namespace now denies.");
        _meter.CreateObservableGauge<int>("gatehouse.inventory.running_workloads",
            () => _latest is { } s ? [new Measurement<int>(s.RunningWorkloads)] : Array.Empty<Measurement<int>>());
    }

    public ImpactSnapshot? Latest => _latest;

    public override void Dispose()
    {
        _meter.Dispose();
        base.Dispose();
    }

    /// <summary>One sample now: computed and appended (tests and the leader's loop).</summary>
    public async Task<ImpactSnapshot> SampleAsync(CancellationToken cancellationToken)
    {
        var snapshot = await _calculator.ComputeAsync(cancellationToken);
        await _history.AppendAsync(snapshot);
        _latest = snapshot;
        return snapshot;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The gauges start from the last snapshot taken (by this leader before a restart, or by another replica);
        // the first new one is an interval away, so restarts and failovers do not crowd the history.
        using var timer = new PeriodicTimer(_options.Interval, _time);
        await TickAsync(sample: false, stoppingToken);
        while (await WaitAsync(timer, stoppingToken))
        {
            if (!await TickAsync(_isLeader(), stoppingToken)) return;
        }
    }

    /// <returns>False when stopping.</returns>
    private async Task<bool> TickAsync(bool sample, CancellationToken stoppingToken)
    {
        try
        {
            if (sample && await _history.TryClaimAsync(_replica, _options.Interval)) await SampleAsync(stoppingToken);
            else _latest = await _history.LatestAsync() ?? _latest;
            return true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception ex)
        {
            // The store may be down; the next tick tries again and the gauges keep the last snapshot.
            LogFailed(_logger, ex.GetType().Name, ex.Message);
            return true;
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private IEnumerable<Measurement<int>> Measure(Func<ImpactSnapshot, IReadOnlyDictionary<string, int>> values, string tag) =>
        _latest is { } snapshot ? values(snapshot).Select(p => new Measurement<int>(p.Value, new KeyValuePair<string, object?>(tag, p.Key))) : [];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Impact snapshot failed ({Type}): {Reason}")]
    private static partial void LogFailed(ILogger logger, string type, string reason);
}
