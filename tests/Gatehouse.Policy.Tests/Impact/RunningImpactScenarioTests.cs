extern alias scanner;

using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Contracts.Decisions;
using Gatehouse.Contracts.Messages;
using Gatehouse.Policy.Inventory;
using Gatehouse.Policy.Tests.Inventory;
using Gatehouse.Policy.Where;
using Gatehouse.Scanner.Advisories;
using Gatehouse.Scanner.Advisories.Severity;
using Gatehouse.Testing;
using k8s;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using scanner::Gatehouse.Scanner.CycloneDx;
using scanner::Gatehouse.Scanner.Sbom;
using scanner::Gatehouse.Scanner.Vulnerabilities;
using static Gatehouse.Policy.Tests.Inventory.InventoryFixture;
using static Gatehouse.Policy.Tests.Inventory.ReportFixture;

namespace Gatehouse.Policy.Tests.Impact;

/// <summary>
/// The issue's "done when" on the policy service itself: two images scanned and allowed, their pods coming and going
/// in the fake API server (watched by the service), then a new advisory for a package in one image. The where-query
/// over HTTP, by package and by advisory id, lists exactly the workloads still running it, and the impact event
/// published by the re-decision names the same workloads.
/// </summary>
public sealed class RunningImpactScenarioTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private static readonly string Old = Digest('c'), New = Digest('d');
    private const string Prod = """
        apiVersion: gatehouse.dev/v1alpha1
        kind: ImagePolicy
        metadata: {name: prod}
        spec:
          profile: prod
          namespaceSelector:
            matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: [shop, batch]}]
          registries: ['ghcr.io/acme/**']
          vulnerabilities: {denySeverity: HIGH, maxScanAge: 7d}
        """;

    private readonly PolicyServiceFactory _factory = new();
    private FakeKubernetesApi _api = null!;
    private ITestHarness Harness => _factory.Harness;

    public async Task InitializeAsync()
    {
        _api = await FakeKubernetesApi.StartAsync();
        _factory.WritePolicy("prod.yaml", Prod);
        _factory.Settings["Gatehouse:Inventory:Mode"] = "On";
        _factory.Settings["Gatehouse:Inventory:InitialBackoff"] = "00:00:00.05";
        _factory.Settings["Gatehouse:Inventory:MaxBackoff"] = "00:00:00.2";
        _factory.ConfigureServices = services =>
            services.AddSingleton<IKubernetes>(new Kubernetes(new KubernetesClientConfiguration { Host = _api.Url.ToString() }));
        _factory.CreateClient().Dispose();
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _api.DisposeAsync();
    }

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Where_and_the_impact_event_name_exactly_the_workloads_still_running_the_affected_image()
    {
        await ScannedAndAllowedAsync(Old, ("openssl", "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64"), ("zlib1g", "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64"));
        await ScannedAndAllowedAsync(New, ("openssl", "pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64"));

        _api.Upsert(Pod("shop", "web-6c9f-a", "ghcr.io/acme/web:1", imageId: "ghcr.io/acme/web@" + Old, ownerKind: "ReplicaSet", ownerName: "web-6c9f", templateHash: "6c9f"));
        _api.Upsert(Pod("shop", "web-6c9f-b", "ghcr.io/acme/web@" + Old, ownerKind: "ReplicaSet", ownerName: "web-6c9f", templateHash: "6c9f"));
        _api.Upsert(Pod("batch", "report-29000000-x", "ghcr.io/acme/web@" + Old, ownerKind: "Job", ownerName: "report-29000000"));
        _api.Upsert(Pod("shop", "api-0", "ghcr.io/acme/api@" + New, ownerKind: "StatefulSet", ownerName: "api"));
        var inventory = _factory.Services.GetRequiredService<RuntimeInventory>();
        await ConvergesAsync(inventory, [Old, New],
            $"shop/web-6c9f-a/app@{Old} Deployment/web", $"shop/web-6c9f-b/app@{Old} Deployment/web",
            $"batch/report-29000000-x/app@{Old} CronJob/report", $"shop/api-0/app@{New} StatefulSet/api");

        // The job finishes and a replica is scaled away, across a dropped watch.
        _api.DisconnectWatches();
        _api.Delete("batch", "report-29000000-x");
        _api.Delete("shop", "web-6c9f-b");
        await ConvergesAsync(inventory, [Old, New], $"shop/web-6c9f-a/app@{Old} Deployment/web", $"shop/api-0/app@{New} StatefulSet/api");

        // The new advisory: openssl before 3.0.14, High with a fix. The scanner's re-evaluation commits the old image's
        // report (index and store) and tells policy, which denies it under prod.
        var report = Report(Old, "osv-2", Finding("CVE-2026-7777", ["DSA-6100-1"], "openssl", "3.0.11-1~deb12u2", "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64"));
        await new AdvisoryImageIndex(_factory.Store).UpdateAsync(Old, report);
        await _factory.Store.SetAsync($"gh:test:report:{Old}:2", JsonSerializer.Serialize(report, VulnerabilityJsonContext.Default.VulnerabilityReport));
        await Harness.Bus.Publish(new VulnerabilitiesFound(Old, $"gh:test:report:{Old}:2", 0, 1, 0, 0, 0, 0, 1, 0, "osv-2", "advisories", DateTimeOffset.UtcNow));

        var denied = await Eventually.GetAsync(() => Task.FromResult(Harness.Published.Select<RunningImageDenied>()
            .Select(m => m.Context.Message).FirstOrDefault(m => m.Digest == Old && m.Profile == "prod")), Wait, "RunningImageDenied for the old image");
        Assert.Equal(DecisionStatus.Deny, (await _factory.RecordAsync("prod", Old))?.Status);
        var named = Assert.Single(denied.Workloads);
        Assert.Equal(("shop", "Deployment", "web", "web-6c9f-a", "app", WorkloadEntry.FromWatch),
            (named.Namespace, named.OwnerKind, named.OwnerName, named.Pod, named.Container, named.Source));
        Assert.Contains("CVE-2026-7777", denied.AdvisoryIds);

        using var http = _factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", PolicyServiceFactory.ApiToken);
        foreach (var q in new[] { "openssl@<3.0.14", "CVE-2026-7777", "pkg:deb/debian/openssl@3.0.11-1~deb12u2" })
        {
            var result = await http.GetFromJsonAsync("/api/where?q=" + Uri.EscapeDataString(q), WhereJsonContext.Default.WhereResult);
            var image = Assert.Single(result!.Images);
            Assert.Equal(Old, image.Digest);
            Assert.Equal([$"{named.Namespace}/{named.Pod}/{named.Container}"], image.Workloads.Select(w => $"{w.Namespace}/{w.Pod}/{w.Container}"));
        }
        // The new image is not affected and still allowed.
        Assert.Equal(DecisionStatus.Allow, (await _factory.RecordAsync("prod", New))?.Status);
    }

    private async Task ScannedAndAllowedAsync(string digest, params (string Name, string Purl)[] packages)
    {
        var bom = new Bom { Components = [.. packages.Select(p => new BomComponent { Name = p.Name, Purl = p.Purl })] };
        var record = new SbomRecord(digest, "ghcr.io", "acme/web", "ghcr.io/acme/web@" + digest, new string('0', 64), packages.Length, "test", [], DateTimeOffset.UnixEpoch);
        await new SbomIndex(_factory.Store).IndexAsync(record, bom, "{}"u8.ToArray());
        await _factory.Store.SetAsync($"gh:test:report:{digest}:1", JsonSerializer.Serialize(Report(digest, "osv-1"), VulnerabilityJsonContext.Default.VulnerabilityReport));
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        await Harness.Bus.Publish(new ImagePushed("ghcr.io", "acme/web", "1", digest, "application/vnd.oci.image.manifest.v1+json", at, "test", Guid.NewGuid().ToString()));
        await Harness.Bus.Publish(new SbomGenerated("ghcr.io", "acme/web", digest, "gh:test:sbom", "00", packages.Length, "catalogers-1", at));
        await Harness.Bus.Publish(new VulnerabilitiesFound(digest, $"gh:test:report:{digest}:1", 0, 0, 0, 0, 0, 0, 0, 0, "osv-1", "sbom", at));
        await Eventually.GetAsync(async () => (await _factory.RecordAsync("prod", digest)) is { Status: DecisionStatus.Allow } allowed ? allowed : null,
            Wait, $"prod allows {digest}");
    }
}
