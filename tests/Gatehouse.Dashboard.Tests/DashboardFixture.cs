extern alias scanner;

using System.Net;
using System.Text.Json;
using Gatehouse.Contracts;
using Gatehouse.Contracts.Messages;
using Gatehouse.Policy.Impact;
using Gatehouse.Policy.Inventory;
using Gatehouse.ServiceDefaults.Store;
using Gatehouse.Testing;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using scanner::Gatehouse.Scanner.CycloneDx;
using scanner::Gatehouse.Scanner.Sbom;

namespace Gatehouse.Dashboard.Tests;

/// <summary>
/// The policy service as it runs embedded (Program.cs: in-memory bus and store, the built-in prod and dev profiles) on a
/// real Kestrel port, with two images decided through the bus and indexed as the scanner indexes them, pods in the
/// runtime inventory, an impact history and a break-glass use; and headless Chromium (Debian's package) to drive it.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime, IDisposable
{
    public const string Token = "dashboard-e2e-token-0123456789abcdef";
    public const string TraceTemplate = "https://jaeger.example/trace/{traceId}";
    public const int Snapshots = 4;

    /// <summary>ghcr.io/acme/web:1.0: openssl 3.0.11 (a HIGH finding fixed in 3.0.13), run by two replicas of Deployment shop/web.</summary>
    public static readonly string Web = "sha256:" + new string('1', 64);

    /// <summary>ghcr.io/acme/ledger:2.3: openssl 3.0.15, run by StatefulSet payments/ledger.</summary>
    public static readonly string Ledger = "sha256:" + new string('2', 64);

    /// <summary>ghcr.io/acme/tools:0.9: openssl 3.0.11 too, but running nowhere.</summary>
    public static readonly string Tools = "sha256:" + new string('3', 64);

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly PolicyHost _host = new();
    private IPlaywright? _playwright;

    public Uri BaseAddress { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public IServiceProvider Services => _host.Services;

    /// <summary>Why no browser could be started (reported as the failure of every browser test); null when one runs.</summary>
    public string? BrowserProblem { get; private set; }

    public async Task InitializeAsync()
    {
        _host.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _host.StartServer();
        var address = _host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
        await SeedAsync();
        await StartBrowserAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        await _host.DisposeAsync();
    }

    public void Dispose()
    {
        _playwright?.Dispose();
        _host.Dispose();
    }

    /// <summary>A fresh browser context (its own cookies) and page; the test fails here when no Chromium could be started.</summary>
    public async Task<(IBrowserContext Context, IPage Page)> NewPageAsync()
    {
        if (BrowserProblem is not null) Assert.Fail(BrowserProblem);
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseAddress.ToString() });
        // ./test.sh runs the test assemblies in parallel on a small machine: a page may wait seconds for a core.
        context.SetDefaultTimeout(60_000);
        context.SetDefaultNavigationTimeout(60_000);
        Assertions.SetDefaultExpectTimeout(30_000);
        return (context, await context.NewPageAsync());
    }

    public IKeyValueStore Store => Services.GetRequiredService<IKeyValueStore>();

    private async Task StartBrowserAsync()
    {
        var executable = Environment.GetEnvironmentVariable("GATEHOUSE_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        if (!File.Exists(executable))
        {
            BrowserProblem = $"Chromium was not found at {executable}. Install Debian's package (`apt-get install -y chromium`; test.sh does) " +
                "or set GATEHOUSE_CHROMIUM to a Chromium binary. Playwright's own browser download is not used.";
            return;
        }
        // The driver (node and the Playwright package) ships inside the NuGet package; no browser is ever downloaded.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        try
        {
            _playwright = await Playwright.CreateAsync();
            Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = executable, Headless = true });
        }
        catch (PlaywrightException ex)
        {
            BrowserProblem = $"Chromium at {executable} could not be started by Playwright: {ex.Message}";
        }
    }

    private async Task SeedAsync()
    {
        var bus = Services.GetRequiredService<IBus>();
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        var images = new[]
        {
            (Digest: Web, Repository: "acme/web", Tag: "1.0", Report: Finding("CVE-2023-5678", "HIGH", "openssl", "3.0.11-1~deb12u2", "3.0.13-1~deb12u1"), High: 1,
                Packages: new[] { ("openssl", "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64"), ("zlib1g", "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64") }),
            (Digest: Ledger, Repository: "acme/ledger", Tag: "2.3", Report: "{\"findings\": []}", High: 0,
                Packages: new[] { ("openssl", "pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64"), ("requests", "pkg:pypi/requests@2.31.0") }),
            (Digest: Tools, Repository: "acme/tools", Tag: "0.9", Report: "{\"findings\": []}", High: 0,
                Packages: new[] { ("openssl", "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64") }),
        };
        var index = new SbomIndex(Store);
        foreach (var image in images)
        {
            var components = image.Packages.Select(p => new BomComponent { Name = p.Item1, Purl = p.Item2 }).ToList();
            var record = new SbomRecord(image.Digest, "ghcr.io", image.Repository, $"ghcr.io/{image.Repository}@{image.Digest}", new string('0', 64),
                components.Count, "e2e", [], at);
            await index.IndexAsync(record, new Bom { Components = components }, "{}"u8.ToArray());
            var reportKey = $"gh:e2e:report:{image.Digest}";
            await Store.SetAsync(reportKey, image.Report);
            await bus.Publish(new ImagePushed("ghcr.io", image.Repository, image.Tag, image.Digest, "application/vnd.oci.image.manifest.v1+json", at, "e2e", image.Digest));
            await bus.Publish(new SbomGenerated("ghcr.io", image.Repository, image.Digest, record.SbomRef, record.Sha256, components.Count, "e2e", at));
            await bus.Publish(new VulnerabilitiesFound(image.Digest, reportKey, 0, image.High, 0, 0, 0, 0, image.High, 0, "adv-e2e", "sbom", at));
            await bus.Publish(new SignaturesVerified(image.Digest, [new VerifiedSigner("keyless", "https://token.actions.githubusercontent.com",
                $"https://github.com/{image.Repository}/.github/workflows/release.yml@refs/tags/v1", null, "signature", at)], [], 1, "trust-e2e", at));
        }
        foreach (var digest in images.Select(i => i.Digest))
        {
            foreach (var profile in new[] { "prod", "dev" })
                await Eventually.GetAsync(() => Store.GetAsync(StoreKeys.Decision(profile, digest)), Wait, $"the {profile} decision of {digest}");
        }

        var inventory = Services.GetRequiredService<RuntimeInventory>();
        await inventory.PutPodAsync("shop/web-6c9f-a", [Workload("shop", "Deployment", "web", "web-6c9f-a", "node-1", Web)]);
        await inventory.PutPodAsync("shop/web-6c9f-b", [Workload("shop", "Deployment", "web", "web-6c9f-b", "node-2", Web)]);
        await inventory.PutPodAsync("payments/ledger-0", [Workload("payments", "StatefulSet", "ledger", "ledger-0", "node-1", Ledger)]);

        var history = Services.GetRequiredService<ImpactHistory>();
        var start = DateTimeOffset.UtcNow.AddMinutes(-5 * Snapshots);
        for (var i = 0; i < Snapshots; i++)
        {
            await history.AppendAsync(new ImpactSnapshot(start.AddMinutes(5 * i), 3,
                new Dictionary<string, int> { ["high"] = 1, ["none"] = 1 },
                new Dictionary<string, int> { ["critical"] = i % 2, ["high"] = 1 + i, ["medium"] = 3, ["low"] = 2 },
                new Dictionary<string, int> { ["prod"] = i, ["dev"] = 0 }));
        }

        await bus.Publish(new BreakGlassUsed("shop", "Deployment/web", Web, "carol@acme.example", "INC-4242", DateTimeOffset.UtcNow.AddHours(4), "prod",
            "hotfix for the checkout outage", "ghcr.io/acme/web:1.0", "CVE-2023-5678 (High, fixed in 3.0.13-1~deb12u1) in openssl", DateTimeOffset.UtcNow));
        await Eventually.GetAsync(async () => (await Store.SetMembersAsync(Policy.BreakGlass.BreakGlassHistory.Key)).Count > 0 ? "held" : null, Wait,
            "the break-glass use to be recorded");
    }

    private static WorkloadEntry Workload(string ns, string kind, string owner, string pod, string node, string digest) =>
        new(ns, kind, owner, pod, "app", node, "ghcr.io/acme/" + owner, digest, DateTimeOffset.UtcNow.AddHours(-1), WorkloadEntry.FromWatch);

    private static string Finding(string id, string severity, string package, string version, string fixedIn) => JsonSerializer.Serialize(new
    {
        findings = new[]
        {
            new
            {
                id, aliases = Array.Empty<string>(), package = new { name = package, version }, installedVersion = version,
                fixedVersions = new[] { fixedIn }, severity = new { level = severity }, status = "affected",
            },
        },
    });

    /// <summary>Program.cs as it is, on Kestrel, with an API token and a trace viewer configured.</summary>
    private sealed class PolicyHost : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Gatehouse:Api:Tokens:0", Token);
            builder.UseSetting("Gatehouse:Dashboard:TraceUrlTemplate", TraceTemplate);
            builder.UseSetting("Gatehouse:Policy:Source", "Files");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
        }
    }
}
