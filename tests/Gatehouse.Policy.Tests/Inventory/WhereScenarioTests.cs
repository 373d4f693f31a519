extern alias scanner;

using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gatehouse.Policy.Inventory;
using Gatehouse.Policy.Where;
using Gatehouse.Scanner.Advisories;
using Gatehouse.Scanner.Advisories.Severity;
using Gatehouse.ServiceDefaults.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using scanner::Gatehouse.Scanner.CycloneDx;
using scanner::Gatehouse.Scanner.Sbom;
using scanner::Gatehouse.Scanner.Vulnerabilities;
using static Gatehouse.Policy.Tests.Inventory.InventoryFixture;
using static Gatehouse.Policy.Tests.Inventory.ReportFixture;

namespace Gatehouse.Policy.Tests.Inventory;

/// <summary>
/// The "done when" scenario without real services: two images indexed as the scanner indexes them, pods for them
/// coming and going in the fake API server, then a new advisory for a package in one image: the package query and
/// the advisory id both name exactly the workloads still running it.
/// </summary>
public sealed class WhereScenarioTests : IAsyncLifetime, IDisposable
{
    private static readonly string Old = Digest('a'), New = Digest('b');
    private readonly InMemoryKeyValueStore _store = new();
    private readonly RuntimeInventory _inventory;
    private readonly WhereQuery _where;
    private FakeKubernetesApi _api = null!;

    public WhereScenarioTests()
    {
        _inventory = new RuntimeInventory(_store);
        _where = new WhereQuery(_store, _inventory, Options.Create(new InventoryOptions()), TimeProvider.System);
    }

    public async Task InitializeAsync() => _api = await FakeKubernetesApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    public void Dispose() => _inventory.Dispose();

    [Fact]
    public async Task Package_and_advisory_queries_name_exactly_the_workloads_still_running_the_image()
    {
        await IndexAsync(Old, ("openssl", "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64"), ("zlib1g", "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64"));
        await IndexAsync(New, ("openssl", "pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64"), ("Requests", "pkg:pypi/requests@2.31.0"));

        _api.Upsert(Pod("shop", "web-6c9f-a", "reg/web:1", imageId: "reg/web@" + Old, ownerKind: "ReplicaSet", ownerName: "web-6c9f", templateHash: "6c9f"));
        _api.Upsert(Pod("shop", "web-6c9f-b", "reg/web@" + Old, ownerKind: "ReplicaSet", ownerName: "web-6c9f", templateHash: "6c9f"));
        _api.Upsert(Pod("batch", "report-29000000-x", "reg/web@" + Old, ownerKind: "Job", ownerName: "report-29000000"));
        _api.Upsert(Pod("shop", "api-0", "reg/api@" + New, ownerKind: "StatefulSet", ownerName: "api"));
        var watcher = Watcher(_api, _inventory);
        await watcher.StartAsync(CancellationToken.None);
        await ConvergesAsync(_inventory, [Old, New],
            $"shop/web-6c9f-a/app@{Old} Deployment/web", $"shop/web-6c9f-b/app@{Old} Deployment/web",
            $"batch/report-29000000-x/app@{Old} CronJob/report", $"shop/api-0/app@{New} StatefulSet/api");

        // The job finishes and one replica is scaled away (after a dropped watch, for good measure).
        _api.DisconnectWatches();
        _api.Delete("batch", "report-29000000-x");
        _api.Delete("shop", "web-6c9f-b");
        await ConvergesAsync(_inventory, [Old, New], $"shop/web-6c9f-a/app@{Old} Deployment/web", $"shop/api-0/app@{New} StatefulSet/api");

        // A new advisory: openssl before 3.0.14; re-evaluation commits a report for the old image only.
        await new AdvisoryImageIndex(_store).UpdateAsync(Old, Report(Old, "osv-2", Finding("CVE-2024-9999", ["DSA-5555-1"], "openssl", "3.0.11-1~deb12u2",
            "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64")));
        await new AdvisoryImageIndex(_store).UpdateAsync(New, Report(New, "osv-2"));

        foreach (var q in new[] { "openssl@<3.0.14", "CVE-2024-9999", "dsa-5555-1", "pkg:deb/debian/openssl@3.0.11-1~deb12u2" })
        {
            var result = await RunAsync(q);
            var image = Assert.Single(result.Images);
            Assert.Equal((Old, "openssl", "3.0.11-1~deb12u2"), (image.Digest, image.Package, image.Version));
            var workload = Assert.Single(image.Workloads);
            Assert.Equal(("shop", "Deployment", "web", "web-6c9f-a", "app", "node-1"),
                (workload.Namespace, workload.OwnerKind, workload.OwnerName, workload.Pod, workload.Container, workload.Node));
        }

        var all = await RunAsync("openssl");
        Assert.Equal([Old, New], all.Images.Select(i => i.Digest).Order(StringComparer.Ordinal));
        Assert.Equal(2, all.Workloads);
        Assert.Equal(New, Assert.Single((await RunAsync("pkg:pypi/Requests")).Images).Digest);
        Assert.Empty((await RunAsync("pkg:npm/openssl")).Images);
        Assert.Empty((await RunAsync("openssl@>=3.1")).Images);

        // The pod goes: the image still contains openssl, but nothing runs it.
        _api.Delete("shop", "web-6c9f-a");
        await ConvergesAsync(_inventory, [Old, New], $"shop/api-0/app@{New} StatefulSet/api");
        Assert.Empty(Assert.Single((await RunAsync("CVE-2024-9999")).Images).Workloads);

        // A report without the finding (fixed by VEX or a newer advisory set) removes the image from the advisory.
        await new AdvisoryImageIndex(_store).UpdateAsync(Old, Report(Old, "osv-2"));
        Assert.Empty((await RunAsync("CVE-2024-9999")).Images);
        await watcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task The_http_api_answers_json_a_page_at_a_time_and_rejects_bad_queries()
    {
        // Five images contain openssl, the first twice (a Debian package and a generic one): six matches. Only the last
        // image indexed runs, so it leads every answer.
        var digests = Enumerable.Range(0, 5).Select(i => Digest((char)('a' + i))).ToList();
        foreach (var (digest, i) in digests.Select((d, i) => (d, i)).Skip(1)) await IndexAsync(digest, ("openssl", $"pkg:deb/debian/openssl@3.0.1{i}-1"));
        await IndexAsync(digests[0], ("openssl", "pkg:deb/debian/openssl@3.0.10-1"), ("openssl", "pkg:generic/openssl@1.1.1w"));
        await _inventory.PutPodAsync("shop/web", [new WorkloadEntry("shop", "Deployment", "web", "web", "app", "n1", "reg/web:1", digests[4], DateTimeOffset.UnixEpoch.AddYears(56), WorkloadEntry.FromWatch)]);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(_where);
        await using var app = builder.Build();
        app.MapWhere();
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        var whole = (await http.GetFromJsonAsync("/api/where?q=openssl", WhereJsonContext.Default.WhereResult))!;
        Assert.Equal(("package", 6, 5, 6, 1, 1), (whole.Kind, whole.Total, whole.ImageCount, whole.Images.Count, whole.RunningImages, whole.Workloads));
        Assert.Equal("web", Assert.Single(whole.Images[0].Workloads).OwnerName);

        var paged = new List<WhereImage>();
        for (var offset = 0; offset < 6; offset += 2)
        {
            var page = (await http.GetFromJsonAsync($"/api/where?q=openssl&offset={offset}&limit=2", WhereJsonContext.Default.WhereResult))!;
            Assert.Equal((offset, 6, 5, 1, 1), (page.Offset, page.Total, page.ImageCount, page.RunningImages, page.Workloads));
            Assert.Equal(2, page.Images.Count);
            paged.AddRange(page.Images);
        }
        Assert.Equal(whole.Images.Select(i => (i.Digest, i.Version)), paged.Select(i => (i.Digest, i.Version)));
        var last = Assert.Single((await http.GetFromJsonAsync("/api/where?q=openssl&offset=5&limit=2", WhereJsonContext.Default.WhereResult))!.Images);
        Assert.Equal((whole.Images[^1].Digest, whole.Images[^1].Purl), (last.Digest, last.Purl));
        Assert.Empty((await http.GetFromJsonAsync("/api/where?q=openssl&offset=9", WhereJsonContext.Default.WhereResult))!.Images);

        foreach (var (query, reason) in new[]
        {
            ("q=", "the query must be a purl, a package name (optionally @version or @range) or an advisory id"),
            ("q=openssl&limit=0", $"limit '0' must be a whole number from 1 to {WhereEndpoints.MaxLimit}"),
            ("q=openssl&offset=-1", $"offset '-1' must be a whole number from 0 to {int.MaxValue}"),
        })
        {
            using var bad = await http.GetAsync(new Uri("/api/where?" + query, UriKind.Relative));
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
            using var problem = JsonDocument.Parse(await bad.Content.ReadAsStringAsync());
            Assert.Equal(reason, problem.RootElement.GetProperty("detail").GetString());
        }
    }

    [Theory]
    [InlineData("CVE-2024-3094", WhereQueryKind.Advisory)]
    [InlineData("GHSA-jfh8-c2jp-5v3q", WhereQueryKind.Advisory)]
    [InlineData("GO-2024-2687", WhereQueryKind.Advisory)]
    [InlineData("go-redis", WhereQueryKind.Package)]
    [InlineData("log4j-core@>=2.0,<2.17.1", WhereQueryKind.Package)]
    [InlineData("pkg:maven/org.apache.logging.log4j/log4j-core", WhereQueryKind.Purl)]
    public void Queries_are_told_apart(string text, WhereQueryKind kind)
    {
        Assert.True(WhereQueryText.TryParse(text, out var parsed, out var error), error);
        Assert.Equal(kind, parsed!.Kind);
    }

    private async Task<WhereResult> RunAsync(string text)
    {
        Assert.True(WhereQueryText.TryParse(text, out var query, out var error), error);
        return await _where.RunAsync(query!);
    }

    private async Task IndexAsync(string digest, params (string Name, string Purl)[] packages)
    {
        var bom = new Bom { Components = [.. packages.Select(p => new BomComponent { Name = p.Name, Purl = p.Purl })] };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new { bomFormat = "CycloneDX", specVersion = "1.6", components = packages.Select(p => new { type = "library", name = p.Name, purl = p.Purl }) });
        var record = new SbomRecord(digest, "reg", "app", "reg/app@" + digest, new string('0', 64), packages.Length, "test", [], DateTimeOffset.UnixEpoch);
        await new SbomIndex(_store).IndexAsync(record, bom, bytes);
        Assert.NotEmpty(Encoding.UTF8.GetString(bytes));
    }
}
