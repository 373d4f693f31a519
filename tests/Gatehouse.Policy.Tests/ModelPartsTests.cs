using Gatehouse.Contracts;
using Gatehouse.Policy.Facts;
using Gatehouse.Policy.Model;

namespace Gatehouse.Policy.Tests;

/// <summary>Globs, durations, selectors, announcements, policy sets and the finding-report reader.</summary>
public sealed class ModelPartsTests
{
    [Theory]
    [InlineData("ghcr.io/acme/*", "ghcr.io/acme/api", true)]
    [InlineData("ghcr.io/acme/*", "ghcr.io/acme/team/api", false)]
    [InlineData("ghcr.io/acme/**", "ghcr.io/acme/team/api", true)]
    [InlineData("ghcr.io/acme/**", "ghcr.io/acmecorp/api", false)]
    [InlineData("ghcr.io/acme/ap?", "ghcr.io/acme/api", true)]
    [InlineData("ghcr.io/acme/ap?", "ghcr.io/acme/ap/x", false)]
    [InlineData("docker.io/debian", "debian", true)]
    [InlineData("index.docker.io/library/*", "nginx", true)]
    [InlineData("docker.io/library/*", "bitnami/nginx", false)]
    [InlineData("127.0.0.1:5000/demo/*", "127.0.0.1:5000/demo/debian:12", true)]
    [InlineData("*.acme.example/**", "registry.acme.example/team/app", true)]
    [InlineData("*.acme.example/**", "acme.example.evil.io/team/app", false)]
    public void Registry_globs_match_normalized_references(string pattern, string reference, bool matches) =>
        Assert.Equal(matches, RegistryPattern.Parse(pattern).Matches(ImageReference.Parse(reference)));

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("15m", 900)]
    [InlineData("1h30m", 5400)]
    [InlineData("1.5h", 5400)]
    [InlineData("7d", 604800)]
    [InlineData("250ms", 0.25)]
    public void Durations_parse_like_kubernetes_plus_days(string text, double seconds)
    {
        Assert.True(DurationText.TryParse(text, out var duration, out var error), error);
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
        Assert.True(DurationText.TryParse(DurationText.Format(duration), out var again, out _));
        Assert.Equal(duration, again);
    }

    [Theory]
    [InlineData("", "duration is empty")]
    [InlineData("h", "'h' is not a duration")]
    [InlineData("10", "'10' is not a duration")]
    [InlineData("7 days", "'7 days' is not a duration")]
    [InlineData("2w", "'2w' has the unit 'w'")]
    [InlineData("-5m", "'-5m' is not a duration")]
    public void Bad_durations_say_why(string text, string expected)
    {
        Assert.False(DurationText.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Selectors_follow_kubernetes_semantics()
    {
        var labels = new Dictionary<string, string> { ["team"] = "shop", ["tier"] = "web" };
        Assert.True(LabelSelector.Everything.Matches(labels));
        Assert.True(new LabelSelector(new Dictionary<string, string> { ["team"] = "shop" }, []).Matches(labels));
        Assert.False(new LabelSelector(new Dictionary<string, string> { ["team"] = "ops" }, []).Matches(labels));
        Assert.True(new LabelSelector(new Dictionary<string, string>(), [new("env", SelectorOperator.NotIn, ["prod"])]).Matches(labels));
        Assert.False(new LabelSelector(new Dictionary<string, string>(), [new("env", SelectorOperator.In, ["prod"])]).Matches(labels));
        Assert.True(new LabelSelector(new Dictionary<string, string>(), [new("tier", SelectorOperator.Exists, [])]).Matches(labels));
        Assert.False(new LabelSelector(new Dictionary<string, string>(), [new("tier", SelectorOperator.DoesNotExist, [])]).Matches(labels));
    }

    [Fact]
    public void A_profile_without_a_selector_governs_no_namespace_and_overlaps_all_apply()
    {
        var set = new PolicySet(1, [
            PolicyYaml.Single(""),
            Assert.Single(PolicyYaml.Load(PolicyYaml.Minimal("namespaceSelector: {}", profile: "baseline", name: "baseline")).Policies),
            Assert.Single(PolicyYaml.Load(PolicyYaml.Minimal("namespaceSelector: {matchLabels: {team: shop}}", profile: "shop", name: "shop")).Policies),
        ]);

        Assert.Equal(["baseline", "shop"], set.ForNamespace(new Dictionary<string, string> { ["team"] = "shop" }).Select(p => p.Profile));
        Assert.Equal(["baseline"], set.ForNamespace(new Dictionary<string, string>()).Select(p => p.Profile));
        Assert.NotNull(set.Find("prod"));
    }

    [Fact]
    public void A_policy_set_bumps_its_generation_only_when_content_changes()
    {
        var first = new PolicySet(1, [PolicyYaml.Single("mode: warn")]);
        Assert.Same(first, first.With([PolicyYaml.Single("mode: warn")]));

        var second = first.With([PolicyYaml.Single("mode: audit")]);
        Assert.Equal(2, second.Generation);
        Assert.Equal(["prod"], second.ChangedProfiles(first));
        Assert.Throws<ArgumentException>(() => new PolicySet(1, [PolicyYaml.Single(""), PolicyYaml.Single("mode: warn")]));
    }

    [Theory]
    [InlineData("prod sha256:1111111111111111111111111111111111111111111111111111111111111111", "prod", "sha256:1111111111111111111111111111111111111111111111111111111111111111")]
    [InlineData("dev", "dev", null)]
    public void Announcements_round_trip(string message, string profile, string? digest)
    {
        Assert.True(DecisionAnnouncement.TryParse(message, out var parsed));
        Assert.Equal(new DecisionAnnouncement(profile, digest), parsed);
        Assert.Equal(message, parsed.Format());
        Assert.False(DecisionAnnouncement.TryParse("prod not-a-digest", out _));
    }

    [Fact]
    public void The_finding_report_reader_takes_what_policy_needs_and_skips_the_rest()
    {
        const string report = """
            {"advisoryDataVersion": "v1", "findings": [
              {"id": "CVE-2023-5678", "aliases": ["DSA-5532-1"], "package": {"name": "openssl", "version": "3.0.11-1~deb12u1", "ecosystem": "Debian:12"},
               "installedVersion": "3.0.11-1~deb12u1", "fixedVersions": ["3.0.13-1~deb12u1"], "fixState": "fixed",
               "severity": {"level": "HIGH", "score": 7.5}, "status": "affected"},
              {"id": "CVE-2024-1", "package": {"name": "zlib", "version": "1.2"}, "severity": {"level": "MODERATE"}},
              {"id": "CVE-2024-2", "package": {"name": "vexed", "version": "1"}, "status": "suppressed"},
              {"id": "CVE-2024-3", "package": {"name": "odd", "version": "1"}, "status": "not-evaluated"},
              {"package": {"name": "no-id"}},
              {"id": "CVE-2024-4"},
              42
            ]}
            """;

        var findings = StoreFindingReport.Parse(report)!;

        Assert.Equal(2, findings.Count);
        Assert.Equal("CVE-2023-5678 (High, fixed in 3.0.13-1~deb12u1) in openssl 3.0.11-1~deb12u1", findings[0].Describe());
        Assert.True(findings[0].IsKnownAs("dsa-5532-1"));
        Assert.Equal((VulnerabilitySeverity.Medium, "1.2", false), (findings[1].Severity, findings[1].InstalledVersion, findings[1].Fixable));
        Assert.Empty(StoreFindingReport.Parse("[]")!);
        Assert.Null(StoreFindingReport.Parse("{\"findings\": 3}"));
        Assert.Null(StoreFindingReport.Parse("not json"));
    }
}
