using System.Text.Json;
using Gatehouse.Contracts;
using Gatehouse.Contracts.Decisions;
using Gatehouse.Contracts.Messages;
using Gatehouse.Policy.Decisions;
using Gatehouse.Policy.Model;
using Gatehouse.Policy.Sources;
using Gatehouse.Testing;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Policy.Tests;

/// <summary>The policy service end to end on the test harness: facts in any order, redelivery, MAC, versions, re-decide.</summary>
public sealed class PolicyServiceTests : PolicyHarnessTests
{
    private const string Report = """
        {"advisoryDataVersion": "adv-1", "findings": [
          {"id": "CVE-2023-5678", "aliases": [], "package": {"name": "openssl", "version": "3.0.11-1~deb12u1"}, "installedVersion": "3.0.11-1~deb12u1",
           "fixedVersions": ["3.0.13-1~deb12u1"], "fixState": "fixed", "severity": {"level": "HIGH"}, "status": "affected"}]}
        """;

    private async Task<object[]> FactsAsync(string digest, string advisoryVersion = "adv-1")
    {
        var reportRef = $"gh:test:report:{digest}";
        await Factory.Store.SetAsync(reportRef, Report);
        return
        [
            new ImagePushed("ghcr.io", "acme/api", "1.0", digest, "application/vnd.oci.image.manifest.v1+json", At, "test", Guid.NewGuid().ToString()),
            new SbomGenerated("ghcr.io", "acme/api", digest, "gh:test:sbom", "00", 12, "catalogers-1", At),
            new VulnerabilitiesFound(digest, reportRef, 0, 1, 0, 0, 0, 0, 1, 0, advisoryVersion, "sbom", At),
            new SignaturesVerified(digest, [new VerifiedSigner("keyless", Issuer, Subject, null, "signature", At)], [], 1, "trust-1", At),
        ];
    }

    [Fact]
    public async Task Facts_arriving_in_any_order_give_the_same_decisions()
    {
        var first = NewDigest();
        var second = NewDigest();
        var facts = await FactsAsync(first);
        foreach (var message in facts) await PublishAndConsumeAsync(message);
        var reversed = await FactsAsync(second);
        foreach (var message in reversed.Reverse()) await PublishAndConsumeAsync(message);

        foreach (var profile in new[] { "prod", "dev" })
        {
            var a = await Factory.RecordAsync(profile, first);
            var b = await Factory.RecordAsync(profile, second);
            Assert.NotNull(a);
            Assert.NotNull(b);
            Assert.Equal((a.Status, a.PolicyGeneration, a.TrustRootVersion, a.AdvisoryDataVersion), (b.Status, b.PolicyGeneration, b.TrustRootVersion, b.AdvisoryDataVersion));
            Assert.Equal(a.Reasons, b.Reasons);
        }
        var prod = (await Factory.RecordAsync("prod", first))!;
        Assert.Equal(DecisionStatus.Deny, prod.Status);
        Assert.Equal(["registry-approved", "signature-verified", "vuln-high-fixable"], prod.Reasons.Select(r => r.Code));
        Assert.Equal("CVE-2023-5678 (High, fixed in 3.0.13-1~deb12u1) in openssl 3.0.11-1~deb12u1", prod.Reasons[2].Message);
        Assert.Equal(("trust-1", "adv-1"), (prod.TrustRootVersion, prod.AdvisoryDataVersion));
        var dev = (await Factory.RecordAsync("dev", first))!;
        Assert.Equal((DecisionStatus.Allow, "", "adv-1"), (dev.Status, dev.TrustRootVersion, dev.AdvisoryDataVersion));
    }

    [Fact]
    public async Task Redelivered_facts_leave_one_identical_record_and_publish_nothing_more()
    {
        var digest = NewDigest();
        var facts = await FactsAsync(digest);
        foreach (var message in facts) await PublishAndConsumeAsync(message);
        var stored = await Factory.Store.GetAsync(StoreKeys.Decision("prod", digest));
        var decided = Harness.Published.Select<ImageDecided>(m => m.Context.Message.Digest == digest).Count();
        var writes = Factory.Store.WritesOf(StoreKeys.Decision("prod", digest));

        foreach (var message in facts) await PublishAndConsumeAsync(message);

        Assert.Equal(stored, await Factory.Store.GetAsync(StoreKeys.Decision("prod", digest)));
        Assert.Equal(writes, Factory.Store.WritesOf(StoreKeys.Decision("prod", digest)));
        Assert.Equal(decided, Harness.Published.Select<ImageDecided>(m => m.Context.Message.Digest == digest).Count());
        var keys = Factory.Store.Keys.Where(k => k.StartsWith(StoreKeys.Prefix + "dec:", StringComparison.Ordinal) && k.EndsWith(digest, StringComparison.Ordinal));
        Assert.Equal([StoreKeys.Decision("dev", digest), StoreKeys.Decision("prod", digest)], keys.Order());
    }

    [Fact]
    public async Task Records_carry_a_verifying_mac_the_current_versions_and_the_trace()
    {
        var digest = NewDigest();
        foreach (var message in await FactsAsync(digest)) await PublishAndConsumeAsync(message);

        var record = (await Factory.RecordAsync("prod", digest))!;
        var versions = (await Factory.VersionsAsync("prod"))!;
        var policy = Factory.Services.GetRequiredService<PolicySetHolder>().Current.Find("prod")!;

        Assert.True(Factory.Mac.Verify(record));
        Assert.False(Factory.Mac.Verify(record with { Status = DecisionStatus.Allow }));
        Assert.False(new DecisionMac(new byte[32]).Verify(record));
        Assert.Equal(policy.Generation, record.PolicyGeneration);
        await Eventually.TrueAsync(() => Factory.VersionsAsync("prod").Result is { } v && v.Matches(record), Wait, "prod versions to match the record");
        Assert.Equal(new DecisionVersions("prod", policy.Generation, "trust-1", "adv-1"), await Factory.VersionsAsync("prod"));
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", record.TraceParent);
        var published = Harness.Published.Select<ImageDecided>(m => m.Context.Message.Digest == digest && m.Context.Message.Profile == "prod").Last().Context.Message;
        Assert.Equal((record.Status, record.PolicyGeneration), (published.Status, published.PolicyVersion));
        Assert.Contains("vuln-high-fixable: CVE-2023-5678 (High, fixed in 3.0.13-1~deb12u1) in openssl 3.0.11-1~deb12u1", published.Reasons);
        Assert.NotNull(versions);
    }

    [Fact]
    public async Task A_policy_change_re_decides_known_digests_and_republishes_versions()
    {
        var digest = NewDigest();
        foreach (var message in await FactsAsync(digest)) await PublishAndConsumeAsync(message);
        var before = (await Factory.RecordAsync("prod", digest))!;

        Factory.WritePolicy("prod.yaml", PolicyServiceFactory.ProdPolicy.Replace("  profile: prod\n", "  profile: prod\n  mode: warn\n", StringComparison.Ordinal));
        Factory.Services.GetRequiredService<FilePolicySource>().Reload();
        var generation = Factory.Services.GetRequiredService<PolicySetHolder>().Current.Find("prod")!.Generation;

        var after = await Eventually.GetAsync(async () => await Factory.RecordAsync("prod", digest) is { } r && r.PolicyGeneration == generation ? r : null, Wait, "the re-decided record");
        Assert.NotEqual(before.PolicyGeneration, after.PolicyGeneration);
        Assert.Equal(DecisionStatus.Warn, after.Status);
        Assert.True(Factory.Mac.Verify(after));
        await Eventually.TrueAsync(() => Factory.VersionsAsync("prod").Result?.PolicyGeneration == generation, Wait, "new prod versions");
        var announcements = Factory.Services.GetRequiredService<InProcessDecisionAnnouncer>().Announcements;
        var seen = new List<DecisionAnnouncement>();
        while (announcements.TryRead(out var a)) seen.Add(a);
        Assert.Contains(new DecisionAnnouncement("prod", null), seen);
        Assert.Contains(new DecisionAnnouncement("prod", digest), seen);
    }

    [Fact]
    public async Task A_removed_profile_withdraws_its_versions()
    {
        await Eventually.TrueAsync(() => Factory.VersionsAsync("dev").Result is not null, Wait, "dev versions");
        File.Delete(Path.Combine(Factory.PolicyFolder, "dev.yaml"));
        Factory.Services.GetRequiredService<FilePolicySource>().Reload();
        await Eventually.TrueAsync(() => Factory.VersionsAsync("dev").Result is null, Wait, "dev versions withdrawn");
        Assert.NotNull(await Factory.VersionsAsync("prod"));
    }

    [Fact]
    public async Task An_invalid_policy_edit_keeps_the_policies_in_force()
    {
        var holder = Factory.Services.GetRequiredService<PolicySetHolder>();
        var before = holder.Current.Find("prod")!;
        Factory.WritePolicy("prod.yaml", PolicyServiceFactory.ProdPolicy.Replace("denySeverity: HIGH", "denySeverity: SEVERE", StringComparison.Ordinal));
        Factory.Services.GetRequiredService<FilePolicySource>().Reload();
        // The profile in force is the very same object: the rejected edit replaced nothing. (The generation is not
        // compared: a file-watcher reload from an earlier edit may land at any moment and bump it legitimately.)
        Assert.Same(before, holder.Current.Find("prod"));
        Assert.Equal(VulnerabilitySeverity.High, holder.Current.Find("prod")!.Spec.Vulnerabilities!.DenySeverity);
    }

    [Fact]
    public void A_policy_file_read_while_empty_keeps_its_profile()
    {
        // An editor or File.WriteAllText truncates before writing; a reload in between sees an empty file.
        var holder = Factory.Services.GetRequiredService<PolicySetHolder>();
        var before = holder.Current.Find("prod")!;
        Factory.WritePolicy("prod.yaml", "");
        Factory.Services.GetRequiredService<FilePolicySource>().Reload();
        Assert.Same(before, holder.Current.Find("prod"));
    }

    [Fact]
    public async Task A_push_alone_is_not_decided_and_a_permanent_failure_denies()
    {
        var digest = NewDigest();
        await PublishAndConsumeAsync(new ImagePushed("ghcr.io", "acme/api", "1.0.sig", digest, "application/vnd.oci.image.manifest.v1+json", At, "test", "e1"));
        Assert.Null(await Factory.RecordAsync("prod", digest));

        await PublishAndConsumeAsync(new ImageAnalysisFailed(digest, "sbom", "layer 2 is not a tar archive", false, At));

        var record = (await Factory.RecordAsync("prod", digest))!;
        Assert.Equal(DecisionStatus.Deny, record.Status);
        Assert.Contains(record.Reasons, r => r.Code == ReasonCodes.AnalysisFailed && r.Message.Contains("layer 2 is not a tar archive", StringComparison.Ordinal));
        Assert.Equal(DecisionStatus.Warn, (await Factory.RecordAsync("dev", digest))!.Status);
    }

    [Fact]
    public async Task A_newer_advisory_version_is_published_and_an_older_fact_never_replaces_a_newer_one()
    {
        var digest = NewDigest();
        foreach (var message in await FactsAsync(digest)) await PublishAndConsumeAsync(message);
        var newer = new VulnerabilitiesFound(digest, $"gh:test:report:{digest}:adv-2", 0, 0, 0, 0, 0, 0, 0, 0, "adv-2", "advisories", At.AddMinutes(1));
        await Factory.Store.SetAsync(newer.ReportRef, "{\"findings\": []}");
        await PublishAndConsumeAsync(newer);
        var older = (VulnerabilitiesFound)(await FactsAsync(digest, "adv-1"))[2];
        await PublishAndConsumeAsync(older);

        var record = (await Factory.RecordAsync("prod", digest))!;
        Assert.Equal(("adv-2", DecisionStatus.Allow), (record.AdvisoryDataVersion, record.Status));
        await Eventually.TrueAsync(() => Factory.VersionsAsync("prod").Result?.AdvisoryDataVersion == "adv-2", Wait, "prod versions at adv-2");
    }

    [Fact]
    public async Task A_message_with_an_invalid_digest_is_dropped()
    {
        await PublishAndConsumeAsync(new ImageAnalysisFailed("sha256:nothex", "sbom", "x", false, At));
        Assert.DoesNotContain(Factory.Store.Keys, k => k.Contains("nothex", StringComparison.Ordinal));
        Assert.False(await Harness.Published.Any<MassTransit.Fault<ImageAnalysisFailed>>());
    }

    [Fact]
    public void Stored_records_use_the_shared_json_shape()
    {
        var record = new DecisionRecord("sha256:" + new string('a', 64), "prod", "deny", [new DecisionReason("c", "m", "deny")], 7, "t", "a",
            DateTimeOffset.UnixEpoch, null, null, "mac");
        var json = JsonSerializer.Serialize(record, DecisionJsonContext.Default.DecisionRecord);
        Assert.StartsWith("{\"digest\":\"sha256:", json, StringComparison.Ordinal);
        Assert.Contains("\"policyGeneration\":7", json, StringComparison.Ordinal);
        Assert.Equal(record with { Reasons = record.Reasons }, DecisionRecorder.Parse(json)! with { Reasons = record.Reasons });
    }
}
