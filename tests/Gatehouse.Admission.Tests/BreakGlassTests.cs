using System.Text.Json.Nodes;
using Gatehouse.Admission.BreakGlass;
using Gatehouse.Contracts.Messages;
using Gatehouse.Testing;
using static Gatehouse.Admission.Tests.DecisionSeed;

namespace Gatehouse.Admission.Tests;

/// <summary>Break-glass through the webhook: who may use it, until when, and that every use is audited.</summary>
public sealed class BreakGlassTests : IAsyncLifetime, IDisposable
{
    private const string Denied = "ghcr.io/kubewarden/test-verify-image-signatures:unsigned";
    private readonly AdmissionFactory _factory = new();
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        await _factory.SeedAsync();
        _client = _factory.CreateClient();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _factory.Dispose();

    private static Dictionary<string, string> Glass(string value) => new() { [BreakGlassAnnotation.Name] = value };

    private static string Valid(string expires = "2026-11-27T14:00:00Z") => $"ticket=INC-123; reason=checkout outage hotfix; expires={expires}";

    [Fact]
    public async Task An_allowed_group_breaks_glass_and_the_use_is_audited_and_published()
    {
        var answer = await _client.ValidateAsync(Reviews.Pod("prod-apps", [Denied], user: "carol", groups: ["system:authenticated", "sre-oncall"],
            annotations: Glass(Valid())));

        Assert.True(answer.Allowed, answer.Json);
        var warning = Assert.Single(answer.Warnings);
        Assert.StartsWith("break-glass INC-123 by carol until 2026-11-27T14:00:00Z, audited: admitted despite profile \"prod\": container \"app-0\"", warning, StringComparison.Ordinal);
        Assert.Equal("ticket=INC-123; user=carol; basis=group sre-oncall; expires=2026-11-27T14:00:00Z; reason=checkout outage hotfix",
            answer.AuditAnnotations["prod.break-glass"]);

        var used = await _factory.PublishedAsync<BreakGlassUsed>(_ => true);
        Assert.Single(_factory.PublishedSoFar<BreakGlassUsed>());
        Assert.Equal(new BreakGlassUsed("prod-apps", "Pod/web", Unsigned, "carol", "INC-123", new DateTimeOffset(2026, 11, 27, 14, 0, 0, TimeSpan.Zero),
            "prod", "checkout outage hotfix", Denied, $"{NoSignature.Message}; {OpensslCve.Message}", ManualClock.Start), used);
        Assert.Equal(used, Assert.Single(_factory.Audit.Entries));
    }

    [Fact]
    public async Task A_user_outside_the_allowed_groups_is_denied_with_the_reason()
    {
        var answer = await _client.ValidateAsync(Reviews.Pod("prod-apps", [Denied], user: "mallory", groups: ["system:authenticated", "developers"],
            annotations: Glass(Valid())));

        Assert.False(answer.Allowed);
        Assert.EndsWith("; break-glass not honoured: user 'mallory' (groups: system:authenticated, developers) may not break glass in profile 'prod' (allowed: group sre-oncall)",
            answer.Message, StringComparison.Ordinal);
        Assert.Contains("CVE-2023-5678", answer.Message, StringComparison.Ordinal);
        // Nothing was queued: a refused break-glass never reaches the side-effect queue.
        Assert.Empty(_factory.Audit.Entries);
        Assert.Empty(_factory.PublishedSoFar<BreakGlassUsed>());
    }

    [Fact]
    public async Task An_expired_break_glass_is_denied_with_the_reason()
    {
        var answer = await _client.ValidateAsync(Reviews.Pod("prod-apps", [Denied], user: "carol", groups: ["sre-oncall"],
            annotations: Glass(Valid(expires: "2026-11-27T11:59:59Z"))));

        Assert.False(answer.Allowed);
        Assert.EndsWith("; break-glass not honoured: break-glass expired at 2026-11-27T11:59:59Z", answer.Message, StringComparison.Ordinal);
        Assert.Empty(_factory.Audit.Entries);
    }

    [Fact]
    public async Task The_same_annotation_stops_working_when_it_expires()
    {
        var pod = Reviews.Pod("prod-apps", [Denied], user: "carol", groups: ["sre-oncall"], annotations: Glass(Valid()));
        Assert.True((await _client.ValidateAsync(pod)).Allowed);
        _factory.Clock.Advance(TimeSpan.FromHours(2));
        var later = await _client.ValidateAsync(pod);
        Assert.False(later.Allowed);
        Assert.EndsWith("break-glass expired at 2026-11-27T14:00:00Z", later.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expiry_beyond_the_profile_maximum_is_refused()
    {
        var answer = await _client.ValidateAsync(Reviews.Pod("prod-apps", [Denied], user: "carol", groups: ["sre-oncall"],
            annotations: Glass(Valid(expires: "2026-11-28T12:00:00Z"))));
        Assert.False(answer.Allowed);
        Assert.EndsWith("break-glass expires at 2026-11-28T12:00:00Z, more than the 4 h profile 'prod' allows from now", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_ticket_is_refused_where_the_profile_requires_one()
    {
        var answer = await _client.ValidateAsync(Reviews.Pod("prod-apps", [Denied], user: "carol", groups: ["sre-oncall"],
            annotations: Glass("reason=no time; expires=2026-11-27T13:00:00Z")));
        Assert.False(answer.Allowed);
        Assert.EndsWith("break-glass not honoured: profile 'prod' requires a ticket in the break-glass annotation (ticket=…)", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_annotation_is_refused_with_the_parser_reason()
    {
        var answer = await _client.ValidateAsync(Reviews.Pod("prod-apps", [Denied], user: "carol", groups: ["sre-oncall"],
            annotations: Glass("ticket=INC-1; reason=x; expires=2026-11-27T13:00:00Z; approver=me")));
        Assert.False(answer.Allowed);
        Assert.EndsWith("unknown field 'approver' (expected ticket, reason, expires)", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_profile_without_break_glass_refuses_it_even_where_another_profile_would_honour_it()
    {
        // payments: prod honours carol's break-glass, pinned allows none, so the pod stays out and nothing is audited.
        var answer = await _client.ValidateAsync(Reviews.Pod("payments", [Denied], user: "carol", groups: ["sre-oncall"], annotations: Glass(Valid())));
        Assert.False(answer.Allowed);
        Assert.StartsWith("profile \"pinned\": ", answer.Message, StringComparison.Ordinal);
        Assert.EndsWith("break-glass not honoured: profile 'pinned' does not allow break-glass", answer.Message, StringComparison.Ordinal);
        Assert.Empty(_factory.Audit.Entries);
        Assert.Empty(_factory.PublishedSoFar<BreakGlassUsed>());
    }

    [Fact]
    public async Task A_pod_created_by_a_controller_inherits_the_owner_break_glass()
    {
        var owner = new JsonArray(new JsonObject { ["kind"] = "ReplicaSet", ["name"] = "web-5d9f", ["controller"] = true, ["apiVersion"] = "apps/v1", ["uid"] = "u" });
        var answer = await _client.ValidateAsync(Reviews.Pod("prod-apps", [Denied], user: "system:serviceaccount:kube-system:replicaset-controller",
            groups: ["system:serviceaccounts"], annotations: Glass(Valid()), ownerReferences: owner));
        Assert.True(answer.Allowed, answer.Json);
        Assert.Contains("basis=owner ReplicaSet/web-5d9f", answer.AuditAnnotations["prod.break-glass"], StringComparison.Ordinal);

        var orphan = await _client.ValidateAsync(Reviews.Pod("prod-apps", [Denied], user: "system:serviceaccount:kube-system:replicaset-controller",
            groups: ["system:serviceaccounts"], annotations: Glass(Valid())));
        Assert.False(orphan.Allowed);
    }

    [Fact]
    public async Task A_dry_run_break_glass_is_answered_but_not_audited()
    {
        var answer = await _client.ValidateAsync(Reviews.Pod("prod-apps", [Denied], user: "carol", groups: ["sre-oncall"],
            annotations: Glass(Valid()), dryRun: true));
        Assert.True(answer.Allowed);

        // A real use afterwards: once it is published, the dry run's would have been (the queue is in order).
        var real = Reviews.Pod("prod-apps", [Denied], user: "carol", groups: ["sre-oncall"], annotations: Glass(Valid().Replace("INC-123", "INC-456", StringComparison.Ordinal)));
        Assert.True((await _client.ValidateAsync(real)).Allowed);
        await _factory.PublishedAsync<BreakGlassUsed>(u => u.Ticket == "INC-456");
        Assert.Equal(["INC-456"], _factory.Audit.Entries.Select(e => e.Ticket));
        Assert.Equal(["INC-456"], _factory.PublishedSoFar<BreakGlassUsed>().Select(e => e.Ticket));
    }

    [Fact]
    public async Task A_break_glass_that_is_not_needed_is_not_used_and_a_bad_one_is_pointed_out()
    {
        var fine = await _client.ValidateAsync(Reviews.Pod("prod-apps", ["ghcr.io/kubewarden/test-verify-image-signatures:signed"],
            user: "mallory", annotations: Glass(Valid())));
        Assert.True(fine.Allowed);
        Assert.Equal(["break-glass annotation ignored: user 'mallory' (groups: system:authenticated) may not break glass in profile 'prod' (allowed: group sre-oncall)"],
            fine.Warnings);
        Assert.Empty(_factory.Audit.Entries);
    }
}
