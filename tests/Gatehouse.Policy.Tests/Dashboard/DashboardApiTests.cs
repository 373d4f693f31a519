using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Contracts;
using Gatehouse.Contracts.Decisions;
using Gatehouse.Contracts.Messages;
using Gatehouse.Policy.Dashboard;
using Gatehouse.Policy.Impact;
using Gatehouse.Policy.Inventory;
using Gatehouse.Policy.Model;
using Gatehouse.Testing;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Policy.Tests.Dashboard;

/// <summary>
/// <c>/api/dashboard/*</c> on the policy service with facts decided through the bus (test harness): images with their
/// decisions per profile, one image in full (findings with fixes, signers, reasons, trace link, workloads), the impact
/// history, break-glass uses from the bus, and a 400 with the reason for every bad parameter.
/// </summary>
public sealed class DashboardApiTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private const string Issuer = "https://token.actions.githubusercontent.com";
    private const string Subject = "https://github.com/acme/api/.github/workflows/release.yml@refs/tags/v1";
    private static readonly DateTimeOffset At = DateTimeOffset.UtcNow.AddMinutes(-5);
    private readonly PolicyServiceFactory _factory = new();
    private readonly string _api = Digest('a'), _web = Digest('b');
    private HttpClient _http = null!;

    private ITestHarness Harness => _factory.Harness;

    public async Task InitializeAsync()
    {
        _factory.Settings["Gatehouse:Dashboard:TraceUrlTemplate"] = "https://jaeger.example/trace/{traceId}?from=gatehouse";
        _http = _factory.CreateClient();
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", PolicyServiceFactory.ApiToken);
        await _factory.Store.SetAsync("gh:test:report:api", Report("CVE-2023-5678", "HIGH", "openssl", "3.0.11-1~deb12u1", "3.0.13-1~deb12u1"));
        await _factory.Store.SetAsync("gh:test:report:web", Report("CVE-2024-0001", "LOW", "zlib1g", "1.2.13", null));
        await PublishAsync(new ImagePushed("ghcr.io", "acme/api", "1.0", _api, "application/vnd.oci.image.manifest.v1+json", At, "test", "e1"));
        await PublishAsync(new SbomGenerated("ghcr.io", "acme/api", _api, "gh:test:sbom", "00", 12, "catalogers-1", At));
        await PublishAsync(new VulnerabilitiesFound(_api, "gh:test:report:api", 0, 1, 0, 0, 0, 0, 1, 0, "adv-1", "sbom", At));
        await PublishAsync(new SignaturesVerified(_api, [new VerifiedSigner("keyless", Issuer, Subject, null, "signature", At)], [], 1, "trust-1", At));
        await PublishAsync(new ImagePushed("ghcr.io", "acme/web", "2.1", _web, "application/vnd.oci.image.manifest.v1+json", At, "test", "e2"));
        await PublishAsync(new VulnerabilitiesFound(_web, "gh:test:report:web", 0, 0, 0, 1, 0, 0, 0, 0, "adv-1", "sbom", At));
        await PublishAsync(new SignaturesVerified(_web, [], [new SignatureFailure("ghcr.io/acme/web:sha256-b.sig", "digest-mismatch", "signed another digest")], 1, "trust-1", At));
        foreach (var digest in new[] { _api, _web })
        {
            foreach (var profile in new[] { "prod", "dev" })
                await Eventually.GetAsync(() => _factory.RecordAsync(profile, digest), Wait, $"the {profile} decision of {digest}");
        }
        var inventory = _factory.Services.GetRequiredService<RuntimeInventory>();
        await inventory.PutPodAsync("shop/api-0", [Workload("shop", "StatefulSet", "api", "api-0", _api)]);
        await inventory.PutPodAsync("shop/api-1", [Workload("shop", "StatefulSet", "api", "api-1", _api)]);
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    public void Dispose()
    {
        _http.Dispose();
        _factory.Dispose();
    }

    [Fact]
    public async Task Images_list_decisions_per_profile_findings_signature_and_running_workloads()
    {
        var page = await GetAsync("/api/dashboard/images", DashboardJsonContext.Default.ImagePage);
        Assert.Equal(["dev", "prod"], page.Profiles);
        Assert.Equal(2, page.Total);
        Assert.Equal(["ghcr.io/acme/api", "ghcr.io/acme/web"], page.Images.Select(i => i.Name));
        var api = page.Images[0];
        Assert.Equal((_api, "high", "verified", 2), (api.Digest, api.WorstSeverity, api.Signature, api.Running));
        Assert.Equal(["ghcr.io/acme/api:1.0"], api.Tags);
        Assert.Equal(await StatusAsync("prod", _api), api.Decisions["prod"].Status);
        Assert.Equal(DecisionStatus.Deny, api.Decisions["prod"].Status);
        Assert.True(api.Decisions["prod"].Current);
        var web = page.Images[1];
        Assert.Equal(("low", "invalid", 0), (web.WorstSeverity, web.Signature, web.Running));
        Assert.Equal((1, 0), (web.Findings!.Low, web.Findings.FixableHigh));

        var filtered = await GetAsync("/api/dashboard/images?q=ACME/WEB", DashboardJsonContext.Default.ImagePage);
        Assert.Equal([_web], filtered.Images.Select(i => i.Digest));
        var byDigest = await GetAsync($"/api/dashboard/images?q={_api[..20]}", DashboardJsonContext.Default.ImagePage);
        Assert.Equal([_api], byDigest.Images.Select(i => i.Digest));
        var denied = await GetAsync("/api/dashboard/images?status=deny&profile=prod", DashboardJsonContext.Default.ImagePage);
        Assert.Equal(await ProfileStatusesAsync("prod", DecisionStatus.Deny), denied.Images.Select(i => i.Digest));
        var second = await GetAsync("/api/dashboard/images?offset=1&limit=1", DashboardJsonContext.Default.ImagePage);
        Assert.Equal((2, 1, 1, _web), (second.Total, second.Offset, second.Limit, Assert.Single(second.Images).Digest));
    }

    [Fact]
    public async Task An_image_in_full_has_findings_with_fixes_signers_reasons_trace_links_and_workloads()
    {
        var detail = await GetAsync($"/api/dashboard/images/{_api}", DashboardJsonContext.Default.ImageDetail);
        Assert.Equal(("ghcr.io/acme/api", 12), (detail.Name, detail.Sbom!.ComponentCount));
        var finding = Assert.Single(detail.FindingList);
        Assert.Equal(("CVE-2023-5678", "high", "openssl", "3.0.11-1~deb12u1", true), (finding.Id, finding.Severity, finding.Package, finding.InstalledVersion, finding.FixAvailable));
        Assert.Equal(["3.0.13-1~deb12u1"], finding.FixedVersions);
        Assert.Equal("verified", detail.Signature.Status);
        Assert.Equal(Subject, Assert.Single(detail.Signature.Signers).Subject);

        var prod = Assert.Single(detail.Decisions, d => d.Profile == "prod");
        var record = (await _factory.RecordAsync("prod", _api))!;
        Assert.Equal(record.Reasons, prod.Reasons);
        Assert.Contains(prod.Reasons, r => r.Code == "vuln-high-fixable");
        var traceId = record.TraceParent!.Split('-')[1];
        Assert.Equal(traceId, prod.TraceId);
        Assert.Equal($"https://jaeger.example/trace/{traceId}?from=gatehouse", prod.TraceUrl);
        Assert.Equal(["api-0", "api-1"], detail.Workloads.Select(w => w.Pod));

        var web = await GetAsync($"/api/dashboard/images/{_web}", DashboardJsonContext.Default.ImageDetail);
        var unfixed = Assert.Single(web.FindingList);
        Assert.Equal(("CVE-2024-0001", false), (unfixed.Id, unfixed.FixAvailable));
        Assert.Equal("digest-mismatch", Assert.Single(web.Signature.Failures).Code);
    }

    [Fact]
    public async Task A_tampered_or_outdated_decision_is_shown_as_not_current()
    {
        var key = StoreKeys.Decision("dev", _web);
        var record = (await _factory.RecordAsync("dev", _web))!;
        await _factory.Store.SetAsync(key, JsonSerializer.Serialize(record with { Status = record.Status == DecisionStatus.Deny ? DecisionStatus.Allow : DecisionStatus.Deny }, DecisionJsonContext.Default.DecisionRecord));
        var detail = await GetAsync($"/api/dashboard/images/{_web}", DashboardJsonContext.Default.ImageDetail);
        var dev = Assert.Single(detail.Decisions, d => d.Profile == "dev");
        Assert.False(dev.Current);
        Assert.Equal("the record's MAC does not verify (admission ignores it)", dev.NotCurrent);
    }

    [Fact]
    public async Task The_impact_history_is_served_oldest_first_with_every_profile()
    {
        var history = _factory.Services.GetRequiredService<ImpactHistory>();
        var start = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 3; i++)
        {
            await history.AppendAsync(new ImpactSnapshot(start.AddMinutes(5 * i), 3,
                new Dictionary<string, int> { ["high"] = 1, ["none"] = 1 }, new Dictionary<string, int> { ["high"] = i, ["low"] = 2 },
                i == 2 ? new Dictionary<string, int> { ["prod"] = 2, ["staging"] = 1 } : new Dictionary<string, int> { ["prod"] = i }));
        }
        var impact = await GetAsync("/api/dashboard/impact", DashboardJsonContext.Default.ImpactSeries);
        Assert.Equal([start, start.AddMinutes(5), start.AddMinutes(10)], impact.Snapshots.Select(s => s.At));
        Assert.Equal(["prod", "staging"], impact.Profiles);
        Assert.Equal(ImpactSnapshot.Severities, impact.Severities);
        Assert.Equal(2, (await GetAsync("/api/dashboard/impact?points=2", DashboardJsonContext.Default.ImpactSeries)).Snapshots.Count);
    }

    [Fact]
    public async Task Break_glass_uses_arrive_from_the_bus_once_each_newest_first()
    {
        var first = Use("carol", At.AddMinutes(-10));
        var second = Use("dave", At);
        await PublishAsync(first);
        await PublishAsync(second);
        await PublishAsync(first); // redelivery
        var page = await GetAsync("/api/dashboard/break-glass", DashboardJsonContext.Default.BreakGlassPage);
        Assert.Equal(2, page.Total);
        Assert.Equal(["dave", "carol"], page.Uses.Select(u => u.User));
        Assert.Equal(first with { UsedAt = first.UsedAt.ToUniversalTime(), ExpiresAt = first.ExpiresAt.ToUniversalTime() }, page.Uses[1]);
        Assert.Single((await GetAsync("/api/dashboard/break-glass?limit=1", DashboardJsonContext.Default.BreakGlassPage)).Uses);
    }

    [Theory]
    [InlineData("/api/dashboard/images?limit=0", "limit '0' must be a whole number from 1 to 200")]
    [InlineData("/api/dashboard/images?limit=abc", "limit 'abc' must be a whole number from 1 to 200")]
    [InlineData("/api/dashboard/images?offset=-1", "offset '-1' must be a whole number from 0 to 2147483647")]
    [InlineData("/api/dashboard/images?status=maybe", "status 'maybe' is not one of allow, warn, deny")]
    [InlineData("/api/dashboard/images?status=deny&profile=staging", "no decisions exist for profile 'staging'; known profiles: dev, prod")]
    [InlineData("/api/dashboard/images?profile=prod", "profile filters the decision status: give status too")]
    [InlineData("/api/dashboard/images/sha256:xyz", "'sha256:xyz' is not an image digest (sha256:<64 hex digits>)")]
    [InlineData("/api/dashboard/impact?points=0", "points '0' must be a whole number from 1 to 2016")]
    [InlineData("/api/dashboard/break-glass?limit=501", "limit '501' must be a whole number from 1 to 500")]
    [InlineData("/api/where?q=", "the query must be a purl, a package name (optionally @version or @range) or an advisory id")]
    public async Task Bad_parameters_are_400_with_the_reason(string path, string reason)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(reason, problem.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_unknown_digest_is_404_and_assets_are_served_with_their_types()
    {
        using var unknown = await _http.GetAsync(new Uri($"/api/dashboard/images/{Digest('f')}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        foreach (var (name, type) in new[] { ("dashboard.js", "text/javascript"), ("dashboard.css", "text/css"), ("charts.js", "text/javascript") })
        {
            using var asset = await _http.GetAsync(new Uri($"/dashboard/assets/{name}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
            Assert.Equal(type, asset.Content.Headers.ContentType?.MediaType);
            Assert.Equal("nosniff", asset.Headers.GetValues("X-Content-Type-Options").Single());
        }
        using var missing = await _http.GetAsync(new Uri("/dashboard/assets/secrets.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    private async Task<T> GetAsync<T>(string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync(type))!;
    }

    private async Task PublishAsync(object message)
    {
        var before = Harness.Consumed.Select(_ => true).Count();
        await Harness.Bus.Publish(message);
        await Eventually.TrueAsync(() => Harness.Consumed.Select(_ => true).Count() > before, Wait, $"{message.GetType().Name} consumed");
    }

    private async Task<string?> StatusAsync(string profile, string digest) => (await _factory.RecordAsync(profile, digest))?.Status;

    private async Task<List<string>> ProfileStatusesAsync(string profile, string status)
    {
        var digests = new List<string>();
        foreach (var digest in new[] { _api, _web })
        {
            if (await StatusAsync(profile, digest) == status) digests.Add(digest);
        }
        return digests;
    }

    private static string Digest(char c) => "sha256:" + new string(c, 64);

    private static WorkloadEntry Workload(string ns, string kind, string owner, string pod, string digest) =>
        new(ns, kind, owner, pod, "app", "node-1", "ghcr.io/acme/x:1", digest, DateTimeOffset.UtcNow, WorkloadEntry.FromWatch);

    private BreakGlassUsed Use(string user, DateTimeOffset at) =>
        new("prod-apps", "Deployment/web", _web, user, "INC-1", at.AddHours(4), "prod", "hotfix", "ghcr.io/acme/web:2.1", "signature-invalid: signed another digest", at);

    private static string Report(string id, string severity, string package, string version, string? fixedIn) => $$"""
        {"advisoryDataVersion": "adv-1", "findings": [
          {"id": "{{id}}", "aliases": [], "package": {"name": "{{package}}", "version": "{{version}}"}, "installedVersion": "{{version}}",
           "fixedVersions": [{{(fixedIn is null ? "" : $"\"{fixedIn}\"")}}], "severity": {"level": "{{severity}}"}, "status": "affected"}]}
        """;
}
