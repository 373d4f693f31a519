using System.Diagnostics.Metrics;
using Gatehouse.Contracts;
using Gatehouse.Contracts.Decisions;
using Gatehouse.Contracts.Messages;
using Gatehouse.Policy.Impact;
using Gatehouse.Policy.Inventory;
using Gatehouse.Testing;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Policy.Tests.Impact;

/// <summary>
/// The impact of a re-decision on what runs, on the policy service with the test harness: the admission feed fills
/// the inventory and says which profiles govern each namespace; a newer report turns a running image to deny under
/// prod and exactly one <see cref="RunningImageDenied"/> names the prod workloads; snapshots count it.
/// </summary>
public sealed class ImpactTests : PolicyHarnessTests
{
    private const string CleanReport = """{"advisoryDataVersion": "adv-1", "findings": []}""";

    private const string HighReport = """
        {"advisoryDataVersion": "adv-2", "findings": [
          {"id": "CVE-2026-4242", "aliases": ["DSA-6001-1"], "package": {"name": "openssl", "version": "3.0.11-1~deb12u1"}, "installedVersion": "3.0.11-1~deb12u1",
           "fixedVersions": ["3.0.13-1~deb12u1"], "fixState": "fixed", "severity": {"level": "HIGH"}, "status": "affected"}]}
        """;

    /// <summary>Publishes an image's facts with a clean report: prod and dev allow it.</summary>
    private async Task AllowedAsync(string digest)
    {
        await Factory.Store.SetAsync($"gh:test:report:{digest}:1", CleanReport);
        await PublishAndConsumeAsync(new ImagePushed("ghcr.io", "acme/api", "1.0", digest, "application/vnd.oci.image.manifest.v1+json", At, "test", Guid.NewGuid().ToString()));
        await PublishAndConsumeAsync(new SbomGenerated("ghcr.io", "acme/api", digest, "gh:test:sbom", "00", 12, "catalogers-1", At));
        await PublishAndConsumeAsync(new SignaturesVerified(digest, [new VerifiedSigner("keyless", Issuer, Subject, null, "signature", At)], [], 1, "trust-1", At));
        await PublishAndConsumeAsync(Clean(digest));
        Assert.Equal(DecisionStatus.Allow, (await Factory.RecordAsync("prod", digest))?.Status);
    }

    private static VulnerabilitiesFound Clean(string digest) =>
        new(digest, $"gh:test:report:{digest}:1", 0, 0, 0, 0, 0, 0, 0, 0, "adv-1", "sbom", At);

    /// <summary>A re-evaluation against newer advisory data: one High finding with a fix (prod denies High).</summary>
    private async Task<VulnerabilitiesFound> HighAsync(string digest)
    {
        await Factory.Store.SetAsync($"gh:test:report:{digest}:2", HighReport);
        return new VulnerabilitiesFound(digest, $"gh:test:report:{digest}:2", 0, 1, 0, 0, 0, 0, 1, 0, "adv-2", "advisories", At.AddMinutes(1));
    }

    private static WorkloadAdmitted Admitted(string ns, string kind, string name, string profile, params (string Container, string Digest)[] containers) =>
        new(ns, kind, name, $"Pod/{name}-abc", [.. containers.Select(c => new AdmittedContainer(c.Container, "ghcr.io/acme/api:1.0", c.Digest))], [profile],
            DateTimeOffset.UtcNow);

    private IEnumerable<RunningImageDenied> Denied(string digest) =>
        Harness.Published.Select<RunningImageDenied>().Select(m => m.Context.Message).Where(m => m.Digest == digest);

    [Fact]
    public async Task A_running_image_turned_to_deny_names_the_workloads_its_profile_governs_once()
    {
        var digest = NewDigest();
        await AllowedAsync(digest);
        await PublishAndConsumeAsync(Admitted("payments", "Deployment", "api", "prod", ("api", digest), ("sidecar", digest)));
        await PublishAndConsumeAsync(Admitted("sandbox", "Deployment", "try", "dev", ("app", digest)));
        var inventory = Factory.Services.GetRequiredService<RuntimeInventory>();
        Assert.Equal(3, (await inventory.WorkloadsOfAsync(digest)).Count);

        var high = await HighAsync(digest);
        await PublishAndConsumeAsync(high);
        Assert.Equal(DecisionStatus.Deny, (await Factory.RecordAsync("prod", digest))?.Status);
        await Eventually.TrueAsync(() => Denied(digest).Any(), Wait, "RunningImageDenied published");
        var denied = Assert.Single(Denied(digest));
        Assert.Equal(("prod", DecisionStatus.Allow), (denied.Profile, denied.PreviousStatus));
        Assert.Equal(["payments/Deployment/api/api", "payments/Deployment/api/sidecar"],
            denied.Workloads.Select(w => $"{w.Namespace}/{w.OwnerKind}/{w.OwnerName}/{w.Container}"));
        Assert.All(denied.Workloads, w => Assert.Equal(WorkloadEntry.FromAdmission, w.Source));
        Assert.Contains(denied.Findings, f => f.Contains("CVE-2026-4242", StringComparison.Ordinal));
        Assert.Equal(["CVE-2026-4242"], denied.AdvisoryIds);
        // dev denies Critical only: still allowed, nothing said about the sandbox.
        Assert.NotEqual(DecisionStatus.Deny, (await Factory.RecordAsync("dev", digest))?.Status);

        // Redelivery of the same report decides the same: no second event.
        await PublishAndConsumeAsync(high);
        await Task.Delay(200);
        Assert.Single(Denied(digest));

        // The snapshot counts the image by its worst finding and the two prod containers as denied but running;
        // the gauges report the same.
        var sampler = Factory.Services.GetRequiredService<ImpactSampler>();
        var snapshot = await sampler.SampleAsync(CancellationToken.None);
        var gauges = Gauges(sampler);
        Assert.Equal(1, gauges[("gatehouse.inventory.running_images", "high")]);
        Assert.Equal(2, gauges[("gatehouse.inventory.denied_running_workloads", "prod")]);
        Assert.Equal(3, gauges[("gatehouse.inventory.running_workloads", "")]);
        Assert.Equal(1, snapshot.RunningImagesBySeverity["high"]);
        Assert.Equal(2, snapshot.DeniedRunningByProfile["prod"]);
        Assert.False(snapshot.DeniedRunningByProfile.ContainsKey("dev"));
        Assert.Equal(snapshot, (await Factory.Services.GetRequiredService<ImpactHistory>().LatestAsync())! with
        {
            RunningImagesBySeverity = snapshot.RunningImagesBySeverity, FindingsBySeverity = snapshot.FindingsBySeverity,
            DeniedRunningByProfile = snapshot.DeniedRunningByProfile,
        });
    }

    /// <summary>What the sampler's gauges report now, by instrument and tag value ("" when untagged).</summary>
    private static Dictionary<(string Instrument, string Tag), int> Gauges(ImpactSampler sampler)
    {
        var values = new Dictionary<(string, string), int>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == sampler) l.EnableMeasurementEvents(instrument, sampler);
            },
        };
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, state) =>
        {
            if (state != sampler) return;
            var tag = tags.Length > 0 ? tags[0].Value as string ?? "" : "";
            values[(instrument.Name, tag)] = value;
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return values;
    }

    [Fact]
    public async Task An_image_that_runs_nowhere_turned_to_deny_publishes_nothing()
    {
        var digest = NewDigest();
        await AllowedAsync(digest);
        await PublishAndConsumeAsync(await HighAsync(digest));
        Assert.Equal(DecisionStatus.Deny, (await Factory.RecordAsync("prod", digest))?.Status);
        Assert.Null(await Factory.Store.GetAsync(ImpactNotifier.PendingKey("prod", digest)));
        Assert.Empty(Denied(digest));
    }

    [Fact]
    public async Task While_the_pod_watch_is_synced_the_admission_feed_adds_nothing_but_still_records_the_profiles()
    {
        var digest = NewDigest();
        await Factory.Store.SetAsync(StoreKeys.InventoryWatchSynced, "policy-0", TimeSpan.FromMinutes(5));
        try
        {
            await PublishAndConsumeAsync(Admitted("payments", "Deployment", "api", "prod", ("api", digest)));
            Assert.Empty(await Factory.Services.GetRequiredService<RuntimeInventory>().WorkloadsOfAsync(digest));
            Assert.Equal(["prod"], await Factory.Services.GetRequiredService<NamespaceProfiles>().GoverningAsync("payments"));
        }
        finally
        {
            await Factory.Store.DeleteAsync(StoreKeys.InventoryWatchSynced);
        }
    }

    [Fact]
    public async Task Admissions_of_one_workload_replace_its_entry_and_bad_containers_are_skipped()
    {
        string first = NewDigest(), second = NewDigest();
        var inventory = Factory.Services.GetRequiredService<RuntimeInventory>();
        await PublishAndConsumeAsync(Admitted("shop", "Deployment", "web", "dev", ("app", first)));
        await PublishAndConsumeAsync(Admitted("shop", "Deployment", "web", "dev", ("app", second), ("bad", "sha256:nothex")));
        Assert.Empty(await inventory.WorkloadsOfAsync(first));
        var entry = Assert.Single(await inventory.WorkloadsOfAsync(second));
        Assert.Equal(("shop", "Deployment", "web", "app", WorkloadEntry.FromAdmission), (entry.Namespace, entry.OwnerKind, entry.OwnerName, entry.Container, entry.Source));
        // A namespace admission never reported falls back to the selectors on the name label (dev selects all).
        Assert.Equal(["dev"], await Factory.Services.GetRequiredService<NamespaceProfiles>().GoverningAsync("unreported"));
    }
}
