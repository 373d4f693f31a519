using Gatehouse.Policy.Impact;
using Gatehouse.ServiceDefaults.Store;
using Gatehouse.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gatehouse.Policy.Tests.Impact;

/// <summary>
/// One impact snapshot per interval across replicas: where every replica counts as leader (the pod watch off) or
/// while leadership changes hands, the history's sample claim lets one of them append.
/// </summary>
public sealed class ImpactClaimTests : PolicyHarnessTests
{
    [Fact]
    public async Task The_claim_is_held_for_just_under_an_interval_and_then_taken_by_whoever_asks_first()
    {
        var clock = new ManualClock();
        var history = new ImpactHistory(new InMemoryKeyValueStore(clock));
        var interval = TimeSpan.FromMinutes(5);

        Assert.True(await history.TryClaimAsync("policy-a", interval));
        Assert.False(await history.TryClaimAsync("policy-b", interval));
        clock.Advance(TimeSpan.FromMinutes(4.4));
        Assert.False(await history.TryClaimAsync("policy-b", interval));
        clock.Advance(TimeSpan.FromMinutes(0.2));
        Assert.True(await history.TryClaimAsync("policy-b", interval));
        Assert.False(await history.TryClaimAsync("policy-a", interval));
    }

    [Fact]
    public async Task Two_replicas_that_both_lead_append_one_snapshot_per_interval()
    {
        var calculator = Factory.Services.GetRequiredService<ImpactCalculator>();
        var history = Factory.Services.GetRequiredService<ImpactHistory>();
        var options = Options.Create(new ImpactOptions { Interval = TimeSpan.FromSeconds(1) });
        using var a = new ImpactSampler(calculator, history, () => true, "policy-a", options, TimeProvider.System, NullLogger<ImpactSampler>.Instance);
        using var b = new ImpactSampler(calculator, history, () => true, "policy-b", options, TimeProvider.System, NullLogger<ImpactSampler>.Instance);
        await a.StartAsync(CancellationToken.None);
        await Task.Delay(300);
        await b.StartAsync(CancellationToken.None);

        await Eventually.GetAsync(async () => await history.ReadAsync() is { Count: >= 3 } held ? held : null, Wait, "three snapshots");
        await a.StopAsync(CancellationToken.None);
        await b.StopAsync(CancellationToken.None);

        // Each replica ticks every second, 0.3 s apart: without the claim the history would have pairs 0.3 s apart.
        var times = (await history.ReadAsync()).Select(s => s.At).Reverse().ToList();
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.True(pair.Second - pair.First >= TimeSpan.FromSeconds(0.5),
            $"snapshots at {pair.First:HH:mm:ss.fff} and {pair.Second:HH:mm:ss.fff} are less than the claim apart"));
    }
}
