using System.Diagnostics;
using Gatehouse.Contracts.Decisions;
using Gatehouse.Contracts.Messages;
using Gatehouse.Contracts;
using Gatehouse.Testing;
using static Gatehouse.Admission.Tests.DecisionSeed;

namespace Gatehouse.Admission.Tests;

/// <summary>Which decision records admission trusts: MAC, key, versions and expiry all have to agree.</summary>
public sealed class DecisionTrustTests : IDisposable
{
    private const string Image = "registry.example.com/shop/api@" + Debian;
    private readonly AdmissionFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private async Task<ReviewAnswer> ValidateWithAsync(DecisionRecord? record, DecisionVersions? versions = null, string ns = "prod-apps")
    {
        await _factory.Store.SetAsync(StoreKeys.DecisionVersions("prod"), Json(versions ?? Versions("prod")));
        if (record is not null) await _factory.Store.SetAsync(StoreKeys.Decision("prod", Debian), Json(record));
        return await _factory.CreateClient().ValidateAsync(Reviews.Pod(ns, [Image]));
    }

    [Fact]
    public async Task A_current_signed_allow_admits()
    {
        var answer = await ValidateWithAsync(Record("prod", Debian, DecisionStatus.Allow));
        Assert.True(answer.Allowed, answer.Json);
        Assert.Empty(answer.Warnings);
        Assert.Equal("pod-uid-1", answer.Uid);
    }

    [Fact]
    public async Task A_deny_names_the_CVE_in_the_message()
    {
        var answer = await ValidateWithAsync(Record("prod", Debian, DecisionStatus.Deny, OpensslCve));
        Assert.False(answer.Allowed);
        Assert.Equal(403, answer.Code);
        Assert.Equal(
            $"profile \"prod\": container \"app-0\" image \"{Image}\": CVE-2023-5678 (High, fixed in 3.0.13-1~deb12u1) in openssl 3.0.11-1~deb12u1",
            answer.Message);
    }

    [Fact]
    public async Task A_forged_MAC_counts_as_unknown()
    {
        // Someone with write access to Redis turns a deny into an allow but cannot recompute the MAC.
        var genuine = Record("prod", Debian, DecisionStatus.Deny, OpensslCve);
        var answer = await ValidateWithAsync(genuine with { Status = DecisionStatus.Allow, Reasons = [] });
        Assert.False(answer.Allowed);
        Assert.EndsWith("not yet analysed — scan requested", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_record_signed_with_another_key_counts_as_unknown()
    {
        var other = new DecisionMac([.. Enumerable.Repeat((byte)42, 32)]);
        var answer = await ValidateWithAsync(other.Sign(Record("prod", Debian, DecisionStatus.Allow)));
        Assert.False(answer.Allowed);
        Assert.Contains("not yet analysed", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_allow_copied_from_another_digest_counts_as_unknown()
    {
        // A genuine, correctly signed allow for a different image, stored under this image's key.
        var answer = await ValidateWithAsync(Record("prod", Signed, DecisionStatus.Allow));
        Assert.False(answer.Allowed);
        Assert.Contains("not yet analysed", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_allow_copied_from_another_profile_counts_as_unknown()
    {
        var answer = await ValidateWithAsync(Record("dev", Debian, DecisionStatus.Allow));
        Assert.False(answer.Allowed);
        Assert.Contains("not yet analysed", answer.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(8, TrustRoot, Advisories)]
    [InlineData(Generation, "trust-2027-01", Advisories)]
    [InlineData(Generation, TrustRoot, "adv-2026-11-28")]
    public async Task A_record_from_older_versions_counts_as_unknown(long generation, string trustRoot, string advisories)
    {
        var answer = await ValidateWithAsync(
            Record("prod", Debian, DecisionStatus.Allow), new DecisionVersions("prod", generation, trustRoot, advisories));
        Assert.False(answer.Allowed);
        Assert.Contains("not yet analysed — scan requested", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_record_past_its_validity_counts_as_unknown()
    {
        var record = AdmissionFactory.Mac.Sign(Record("prod", Debian, DecisionStatus.Allow) with { ValidUntil = ManualClock.Start.AddSeconds(-1) });
        var answer = await ValidateWithAsync(record);
        Assert.False(answer.Allowed);
        Assert.Contains("not yet analysed", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_published_versions_nothing_is_trusted()
    {
        await _factory.Store.SetAsync(StoreKeys.Decision("prod", Debian), Json(Record("prod", Debian, DecisionStatus.Allow)));
        var answer = await _factory.CreateClient().ValidateAsync(Reviews.Pod("prod-apps", [Image]));
        Assert.False(answer.Allowed);
    }

    [Fact]
    public async Task A_warn_decision_admits_with_its_reason_as_a_warning()
    {
        var answer = await ValidateWithAsync(Record("prod", Debian, DecisionStatus.Warn, ZlibMedium));
        Assert.True(answer.Allowed);
        Assert.Equal([$"container \"app-0\" image \"{Image}\": {ZlibMedium.Message}"], answer.Warnings);
    }

    [Fact]
    public async Task The_admission_span_links_to_the_trace_that_produced_the_decision()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == AdmissionTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) spans.Add(a); },
        };
        ActivitySource.AddActivityListener(listener);
        var uid = Guid.NewGuid().ToString();
        await _factory.Store.SetAsync(StoreKeys.DecisionVersions("prod"), Json(Versions("prod")));
        await _factory.Store.SetAsync(StoreKeys.Decision("prod", Debian), Json(Record("prod", Debian, DecisionStatus.Allow)));

        await _factory.CreateClient().ValidateAsync(Reviews.Pod("prod-apps", [Image], uid: uid));

        Activity span;
        lock (spans) span = Assert.Single(spans, s => (string?)s.GetTagItem("gatehouse.admission.uid") == uid);
        var link = Assert.Single(span.Links);
        Assert.Equal(ActivityContext.Parse(OriginTrace, null).TraceId, link.Context.TraceId);
        Assert.Equal(ActivityContext.Parse(OriginTrace, null).SpanId, link.Context.SpanId);
        Assert.Equal("prod", span.GetTagItem("gatehouse.profile"));
        Assert.Equal(true, span.GetTagItem("gatehouse.allowed"));
    }

    [Fact]
    public async Task Unknown_digest_publishes_ScanRequested_for_the_pinned_reference()
    {
        var answer = await ValidateWithAsync(record: null);
        Assert.False(answer.Allowed);
        await _factory.PublishedAsync<ScanRequested>(m => m.Reference == "registry.example.com/shop/api@" + Debian);
    }
}
