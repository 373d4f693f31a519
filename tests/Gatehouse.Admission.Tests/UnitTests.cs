using Gatehouse.Admission.BreakGlass;
using Gatehouse.Admission.Decisions;
using Gatehouse.Admission.Profiles;
using Gatehouse.Admission.Review;
using Gatehouse.Admission.Wire;
using Gatehouse.Testing;
using Microsoft.Extensions.Options;

namespace Gatehouse.Admission.Tests;

public sealed class InvalidationMessageTests
{
    private const string Digest = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

    [Theory]
    [InlineData("prod:" + Digest, "prod", Digest)]
    [InlineData("prod " + Digest, "prod", Digest)]
    [InlineData("prod/" + Digest, "prod", Digest)]
    [InlineData("gh:dec:prod:" + Digest, "prod", Digest)]
    [InlineData("prod", "prod", null)]
    [InlineData(" team-a.dev ", "team-a.dev", null)]
    public void Announcements_name_a_profile_and_maybe_a_digest(string message, string profile, string? digest)
    {
        Assert.True(InvalidationMessage.Parse(message, out var p, out var d));
        Assert.Equal(profile, p);
        Assert.Equal(digest, d);
    }

    [Fact]
    public void The_policy_service_announcements_are_understood()
    {
        Assert.True(InvalidationMessage.Parse(new Gatehouse.Policy.Model.DecisionAnnouncement("prod", Digest).Format(), out var p, out var d));
        Assert.Equal(("prod", Digest), (p, d));
        Assert.True(InvalidationMessage.Parse(new Gatehouse.Policy.Model.DecisionAnnouncement("prod", null).Format(), out p, out d));
        Assert.Equal(("prod", (string?)null), (p, d));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"profile\":\"prod\"}")]
    [InlineData("prod:sha256:nothex")]
    public void Anything_else_is_not_understood(string message) => Assert.False(InvalidationMessage.Parse(message, out _, out _));

    [Fact]
    public void A_message_not_understood_clears_the_whole_L1()
    {
        var l1 = new DecisionL1(Options.Create(new AdmissionOptions()), new ManualClock());
        l1.PutTag("k", Digest, ManualClock.Start, l1.Generation);
        InvalidationMessage.Apply(l1, "garbage{}");
        Assert.False(l1.TryGetTag("k", out _));
    }
}

public sealed class DecisionL1Tests
{
    private readonly ManualClock _clock = new();
    private readonly DecisionL1 _l1;

    public DecisionL1Tests() => _l1 = new DecisionL1(Options.Create(new AdmissionOptions
    {
        L1MaxAge = TimeSpan.FromMinutes(2),
        MaxStaleness = TimeSpan.FromMinutes(5),
    }), _clock);

    [Fact]
    public void Nothing_is_trusted_before_the_subscription_is_up()
    {
        Assert.False(_l1.IsTrusted(_clock.GetUtcNow(), _clock.GetUtcNow()));
        _l1.SubscriptionRestored();
        Assert.True(_l1.IsTrusted(_clock.GetUtcNow(), _clock.GetUtcNow()));
    }

    [Fact]
    public void Entries_read_before_a_reconnect_are_not_trusted_after_it()
    {
        _l1.SubscriptionRestored();
        var readAt = _clock.GetUtcNow();
        _clock.Advance(TimeSpan.FromSeconds(1));
        _l1.SubscriptionLost();
        _clock.Advance(TimeSpan.FromSeconds(1));
        _l1.SubscriptionRestored();
        Assert.False(_l1.IsTrusted(readAt, _clock.GetUtcNow()));
    }

    [Fact]
    public void Trust_ends_after_L1MaxAge_even_while_subscribed()
    {
        _l1.SubscriptionRestored();
        var readAt = _clock.GetUtcNow();
        _clock.Advance(TimeSpan.FromMinutes(3));
        Assert.False(_l1.IsTrusted(readAt, _clock.GetUtcNow()));
    }

    [Fact]
    public void Staleness_counts_from_when_the_subscription_was_lost()
    {
        _l1.SubscriptionRestored();
        var readAt = _clock.GetUtcNow();
        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(TimeSpan.Zero, _l1.Staleness(readAt, _clock.GetUtcNow()));
        _l1.SubscriptionLost();
        _clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(TimeSpan.FromMinutes(3), _l1.Staleness(readAt, _clock.GetUtcNow()));
    }

    [Fact]
    public void A_read_that_raced_an_invalidation_is_not_stored()
    {
        var generation = _l1.Generation;
        _l1.InvalidateDecision("prod", "sha256:x");
        _l1.PutTag("k", "sha256:y", _clock.GetUtcNow(), generation);
        Assert.False(_l1.TryGetTag("k", out _));
    }
}

public sealed class BreakGlassAnnotationTests
{
    [Fact]
    public void The_documented_form_parses()
    {
        Assert.True(BreakGlassAnnotation.TryParse("ticket=INC-123; reason=checkout is down; expires=2026-11-28T10:00:00Z", out var a, out _));
        Assert.Equal(new BreakGlassAnnotation("INC-123", "checkout is down", new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero)), a);
    }

    [Fact]
    public void Offsets_are_honoured_and_the_order_is_free()
    {
        Assert.True(BreakGlassAnnotation.TryParse("expires=2026-11-28T11:00:00+01:00;reason=r", out var a, out _));
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero), a.ExpiresAt);
        Assert.Null(a.Ticket);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("ticket=INC-1; expires=2026-11-28T10:00:00Z", "has no reason")]
    [InlineData("ticket=INC-1; reason=x", "has no expiry")]
    [InlineData("reason=x; expires=2026-11-28T10:00:00", "is not an RFC 3339 time with a zone")]
    [InlineData("reason=x; expires=tomorrow", "is not an RFC 3339 time with a zone")]
    [InlineData("reason=x; reason=y; expires=2026-11-28T10:00:00Z", "field 'reason' is given twice")]
    [InlineData("reason=x; expires=2026-11-28T10:00:00Z; user=root", "unknown field 'user'")]
    [InlineData("reason x", "'reason x' is not key=value")]
    [InlineData("ticket=INC 1; reason=x; expires=2026-11-28T10:00:00Z", "ticket 'INC 1' must be")]
    public void Bad_annotations_say_what_is_wrong(string value, string problem)
    {
        Assert.False(BreakGlassAnnotation.TryParse(value, out _, out var error));
        Assert.Contains(problem, error, StringComparison.Ordinal);
    }
}

public sealed class WorkloadImagesTests
{
    [Fact]
    public void Only_the_level_the_kind_defines_is_read()
    {
        // A Pod with a stray template (not a Pod field) must not contribute the template's image.
        var obj = new WorkloadObject
        {
            Spec = new WorkloadSpec
            {
                Containers = [new ContainerImage { Name = "a", Image = "a:1" }],
                Template = new WorkloadTemplate { Spec = new WorkloadSpec { Containers = [new ContainerImage { Name = "b", Image = "b:1" }] } },
            },
        };
        var pod = WorkloadImages.Extract(new GroupVersionKind { Group = "", Kind = "Pod" }, obj);
        Assert.Equal(["a:1"], pod.Select(s => s.Image));
        var deployment = WorkloadImages.Extract(new GroupVersionKind { Group = "apps", Kind = "Deployment" }, obj);
        Assert.Equal(["b:1"], deployment.Select(s => s.Image));
        Assert.Equal("/spec/template/spec/containers/0/image", deployment[0].ImagePointer);
    }

    [Theory]
    [InlineData("", "Pod", true)]
    [InlineData("apps", "StatefulSet", true)]
    [InlineData("batch", "CronJob", true)]
    [InlineData("", "ReplicationController", true)]
    [InlineData("apps", "Pod", false)]
    [InlineData("", "Service", false)]
    [InlineData("example.com", "Deployment", false)]
    public void Workload_kinds_are_recognised_by_group_and_kind(string group, string kind, bool workload) =>
        Assert.Equal(workload, WorkloadImages.IsWorkload(new GroupVersionKind { Group = group, Kind = kind }));
}

public sealed class ParsedImageTests
{
    private const string Digest = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

    [Theory]
    [InlineData("nginx", "nginx", "gh:tag:docker.io/library/nginx:latest")]
    [InlineData("nginx:1.25", "nginx", "gh:tag:docker.io/library/nginx:1.25")]
    [InlineData("localhost:5000/team/app:2", "localhost:5000/team/app", "gh:tag:localhost:5000/team/app:2")]
    [InlineData("index.docker.io/acme/api:v1", "index.docker.io/acme/api", "gh:tag:docker.io/acme/api:v1")]
    public void Tags_are_keyed_normalized_and_pinned_as_written(string image, string name, string tagKey)
    {
        var parsed = ParsedImages.Parse(image);
        Assert.Equal(tagKey, parsed.TagMapKey);
        Assert.Equal(name + "@" + Digest, parsed.Pinned(Digest));
    }

    [Fact]
    public void A_pinned_image_needs_no_tag_map() => Assert.Null(ParsedImages.Parse("nginx:1@" + Digest).TagMapKey);
}
