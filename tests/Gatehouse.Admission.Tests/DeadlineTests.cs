using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Gatehouse.ServiceDefaults.Store;
using static Gatehouse.Admission.Tests.DecisionSeed;

namespace Gatehouse.Admission.Tests;

/// <summary>
/// Every answer comes within the deadline (300 ms or 2 s in these tests) whatever the store does: the L1 answers
/// within its staleness bound, else the profile's failure mode. Elapsed times are checked only against a
/// bound far above the deadline, to tell "answered" from "hung", never as a performance measure.
/// </summary>
public sealed class DeadlineTests
{
    private const string Signed = "ghcr.io/kubewarden/test-verify-image-signatures:signed";
    private static readonly TimeSpan Hung = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task With_Redis_down_prod_fails_closed_and_dev_fails_open_within_the_deadline()
    {
        await using var factory = new AdmissionFactory().With("Gatehouse:Redis", $"127.0.0.1:{ClosedPort()}").With("Gatehouse:Admission:Deadline", "00:00:00.300");
        var client = factory.CreateClient();

        var clock = Stopwatch.StartNew();
        var prod = await client.ValidateAsync(Reviews.Pod("prod-apps", [Signed]));
        var dev = await client.ValidateAsync(Reviews.Pod("dev-apps", [Signed]));
        Assert.True(clock.Elapsed < Hung, $"answers took {clock.Elapsed}");

        Assert.False(prod.Allowed);
        Assert.EndsWith("no decision could be read within 300 ms (decision store unavailable); profile \"prod\" fails closed", prod.Message, StringComparison.Ordinal);
        Assert.True(dev.Allowed);
        Assert.EndsWith("admitted because profile \"dev\" fails open", Assert.Single(dev.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_that_never_answers_is_cut_off_at_the_deadline()
    {
        var store = new InMemoryKeyValueStore();
        var source = new ScriptedSource(store) { Hangs = true };
        await using var factory = new AdmissionFactory { Source = source }.With("Gatehouse:Admission:Deadline", "00:00:00.300");
        var client = factory.CreateClient();

        var clock = Stopwatch.StartNew();
        var answer = await client.ValidateAsync(Reviews.Pod("prod-apps", [Signed]));
        Assert.True(clock.Elapsed < Hung, $"answer took {clock.Elapsed}");
        Assert.Equal(1, source.Fetches);
        Assert.False(answer.Allowed);
        Assert.Contains("no decision could be read within 300 ms", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_L1_answers_while_subscribed_and_within_MaxStaleness_after_the_store_is_lost()
    {
        var store = new InMemoryKeyValueStore();
        foreach (var (key, value) in Fixtures("prod")) await store.SetAsync(key, value);
        var source = new ScriptedSource(store);
        await using var factory = new AdmissionFactory { Source = source }.With("Gatehouse:Admission:Deadline", "00:00:02");
        var client = factory.CreateClient();
        factory.L1.SubscriptionRestored();

        Assert.True((await client.ValidateAsync(Reviews.Pod("prod-apps", [Signed]))).Allowed);
        Assert.Equal(1, source.Fetches);

        // Warm and subscribed: answered from memory, the store is not asked even though it would hang.
        source.Hangs = true;
        Assert.True((await client.ValidateAsync(Reviews.Pod("prod-apps", [Signed]))).Allowed);
        Assert.Equal(1, source.Fetches);

        // Subscription lost: the store is asked first, hangs, and the L1 answers within MaxStaleness (5 min).
        factory.L1.SubscriptionLost();
        factory.Clock.Advance(TimeSpan.FromMinutes(4));
        var stale = await client.ValidateAsync(Reviews.Pod("prod-apps", [Signed]));
        Assert.True(stale.Allowed, stale.Json);
        Assert.Equal(2, source.Fetches);

        // Past the bound the profile's failure mode decides.
        factory.Clock.Advance(TimeSpan.FromMinutes(2));
        var tooOld = await client.ValidateAsync(Reviews.Pod("prod-apps", [Signed]));
        Assert.False(tooOld.Allowed);
        Assert.Contains("profile \"prod\" fails closed", tooOld.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalidation_makes_the_next_request_read_the_store_again()
    {
        var store = new InMemoryKeyValueStore();
        foreach (var (key, value) in Fixtures("prod")) await store.SetAsync(key, value);
        var source = new ScriptedSource(store);
        await using var factory = new AdmissionFactory { Source = source };
        var client = factory.CreateClient();
        factory.L1.SubscriptionRestored();
        var pinned = Reviews.Pod("prod-apps", ["ghcr.io/kubewarden/test-verify-image-signatures@" + DecisionSeed.Signed]);
        Assert.True((await client.ValidateAsync(pinned)).Allowed);

        // Policy re-decides the digest as a deny and announces it.
        await store.SetAsync(Gatehouse.Contracts.StoreKeys.Decision("prod", DecisionSeed.Signed),
            Json(Record("prod", DecisionSeed.Signed, Gatehouse.Contracts.Decisions.DecisionStatus.Deny, OpensslCve)));
        Assert.True((await client.ValidateAsync(pinned)).Allowed); // not announced yet: the L1 still holds the allow
        Decisions.InvalidationMessage.Apply(factory.L1, "prod:" + DecisionSeed.Signed);
        var after = await client.ValidateAsync(pinned);
        Assert.False(after.Allowed);
        Assert.Contains("CVE-2023-5678", after.Message, StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
