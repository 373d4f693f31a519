using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.Cli.Hosting;
using Gatehouse.Contracts;
using Gatehouse.Contracts.Decisions;
using Gatehouse.Oci;
using Gatehouse.Policy.Decisions;
using Gatehouse.Scanner.Advisories;
using Gatehouse.Scanner.Sbom;
using Gatehouse.Scanner.Vulnerabilities;
using Gatehouse.ServiceDefaults.Store;
using Gatehouse.Signer.Signing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// <c>gatehouse demo</c>: builds a small image as an OCI layout (the embedded registry), imports two advisories, signs
/// the image, starts all five services in this process on the embedded defaults, sends the registry-watcher the push
/// notification a registry would send, and prints the findings, signatures, decisions per profile, the admission
/// answers for a prod and a dev namespace, and the trace that ties them together. Needs no server.
/// </summary>
public static class DemoCommand
{
    private const string RegistryHost = "registry.demo.local";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (args.Length > 0)
        {
            await stderr.WriteLineAsync("gatehouse demo: takes no arguments");
            return 2;
        }
        var work = Directory.CreateTempSubdirectory("gatehouse-demo-");
        try
        {
            return await RunInAsync(work.FullName, stdout, stderr, ct);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task<int> RunInAsync(string work, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var layout = Path.Combine(work, "registry");
        var image = await DemoImage.WriteAsync(layout, ct);
        var scenario = DemoScenario.WriteTo(work, RegistryHost);
        var reference = $"{RegistryHost}/{DemoImage.Repository}@{image.Digest}";
        await stdout.WriteLineAsync($"1. built {RegistryHost}/{DemoImage.Repository}:{DemoImage.Tag} as an OCI layout");
        await stdout.WriteLineAsync($"   manifest {image.Digest}, {image.Layers.Count} layers");
        using (var quiet = new StringWriter())
        {
            if (await AdvisoriesCommand.RunAsync(["import", scenario.AdvisoriesFolder, "--db", scenario.AdvisoryStore], quiet, quiet, ct) != 0)
            {
                await stderr.WriteLineAsync($"gatehouse demo: importing the demo advisories failed:\n{quiet}");
                return 1;
            }
        }
        await stdout.WriteLineAsync($"   imported 2 advisories (openssl {DemoScenario.OpensslCve}, lodash {DemoScenario.LodashCve}); wrote prod and dev profiles");

        var spans = new List<Activity>();
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var configuration = scenario.HostConfiguration(RegistryHost, layout, token);
        configuration["Logging:LogLevel:Gatehouse.Admission"] = "Error"; // the demo prints the break-glass audit itself
        var settings = new HostSettings
        {
            Urls = "http://127.0.0.1:0",
            Configuration = configuration,
            ConfigureServices = services => services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)),
        };
        await using var app = GatehouseHost.Build(settings);
        await app.StartAsync(ct);
        var address = app.BoundAddress();
        await stdout.WriteLineAsync($"2. started registry-watcher, scanner, signer, policy and admission in one process on {address}");
        await stdout.WriteLineAsync("   (bus: MassTransit in-memory, store: in-process; no RabbitMQ, Redis or registry needed)");

        var registry = app.Services.GetRequiredService<IImageStoreFactory>().ForRegistry(RegistryHost);
        var signed = await app.Services.GetRequiredService<PromotedImageSigner>()
            .SignAsync(registry, DemoImage.Repository, image.Digest, $"{RegistryHost}/{DemoImage.Repository}", null, ct);
        await stdout.WriteLineAsync($"3. signed the image the way `cosign sign --key` does (key {signed.KeyId[..Math.Min(16, signed.KeyId.Length)]}...)");

        using var http = new HttpClient { BaseAddress = address };
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/distribution")
        {
            Content = new StringContent(DemoScenario.PushNotification(RegistryHost, DemoImage.Repository, DemoImage.Tag, image.Digest, image.Manifest.MediaType, image.Manifest.Size), Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.docker.distribution.events.v1+json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await http.SendAsync(request, ct);
        await stdout.WriteLineAsync($"4. POST /webhooks/distribution (manifest push) -> {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        if (!response.IsSuccessStatusCode) return 1;

        var store = app.Services.GetRequiredService<IKeyValueStore>();
        var manifest = await WaitForAsync(() => store.GetAsync(StoreKeys.ImageManifest(image.Digest)), ct);
        var signatures = await WaitForAsync(() => store.GetAsync(StoreKeys.SignatureArtifacts(image.Digest)), ct);
        var sbom = await WaitForAsync(() => app.Services.GetRequiredService<SbomIndex>().GetRecordAsync(image.Digest), ct);
        var report = await WaitForAsync(() => app.Services.GetRequiredService<VulnerabilityReportStore>().GetCurrentAsync(image.Digest), ct);
        await stdout.WriteLineAsync("5. ImagePushed fanned out:");
        await stdout.WriteLineAsync($"   scanner recorded  {Summarize(manifest, "layers")} layers{Layers(manifest)}");
        await stdout.WriteLineAsync($"   scanner SBOM      {sbom?.ComponentCount.ToString(CultureInfo.InvariantCulture) ?? "nothing (timed out)"} components, CycloneDX 1.6 attached as {sbom?.SbomRef}");
        foreach (var finding in report?.Findings.Where(f => f.Status == FindingStatus.Affected) ?? [])
        {
            await stdout.WriteLineAsync($"   scanner finding   {finding.Id} {finding.Severity.Level.ToString().ToUpperInvariant()} in {finding.Package.Name} {finding.InstalledVersion}, fixed in {string.Join(", ", finding.FixedVersions)}");
        }
        await stdout.WriteLineAsync($"   signer  recorded  {Summarize(signatures, "artifacts")} signature artifacts");

        var decisions = new Dictionary<string, DecisionRecord?>(StringComparer.Ordinal);
        foreach (var profile in new[] { "prod", "dev" })
        {
            // Policy decides again as each verdict arrives; wait for the one that has seen the findings.
            decisions[profile] = await WaitForAsync(async () => DecisionRecorder.Parse(await store.GetAsync(StoreKeys.Decision(profile, image.Digest))) is { AdvisoryDataVersion.Length: > 0 } record ? record : null, ct);
        }
        await stdout.WriteLineAsync("6. policy decided the digest per profile:");
        foreach (var (profile, record) in decisions)
        {
            await stdout.WriteLineAsync($"   {profile,-4} {record?.Status.ToUpperInvariant() ?? "no decision (timed out)"}");
            foreach (var reason in record?.Reasons ?? []) await stdout.WriteLineAsync($"        {reason.Effect,-5} {reason.Code}: {reason.Message}");
        }

        await stdout.WriteLineAsync("7. admission answered AdmissionReviews for a Pod running the image:");
        var answers = new List<bool>
        {
            await ReviewAsync(http, stdout, $"{DemoScenario.ProdNamespace} (prod)", DemoScenario.PodReview(DemoScenario.ProdNamespace, reference, "alice", ["developers"])),
            await ReviewAsync(http, stdout, $"{DemoScenario.DevNamespace} (dev)", DemoScenario.PodReview(DemoScenario.DevNamespace, reference, "alice", ["developers"])),
            await ReviewAsync(http, stdout, $"{DemoScenario.ProdNamespace} (prod), break-glass by sre-oncall", DemoScenario.PodReview(
                DemoScenario.ProdNamespace, reference, "bob", ["sre-oncall"], DemoScenario.BreakGlassAnnotation(DateTimeOffset.UtcNow))),
        };

        // What admission let in feeds the runtime inventory (no pod watch here): the where-query finds it by the CVE.
        var inventory = app.Services.GetRequiredService<Gatehouse.Policy.Inventory.RuntimeInventory>();
        var running = await WaitForAsync(async () => await inventory.WorkloadsOfAsync(image.Digest) is { Count: >= 2 } entries ? entries : null, ct);
        await stdout.WriteLineAsync($"8. where is {DemoScenario.OpensslCve} running? (`gatehouse where {DemoScenario.OpensslCve}`, from the admission feed)");
        var where = Gatehouse.Policy.Where.WhereQueryText.TryParse(DemoScenario.OpensslCve, out var query, out _)
            && await WhereCommand.PrintAsync(store, query!, "table", new IndentedWriter(stdout, "   ")) == 0;

        await app.StopAsync(ct);
        await stdout.WriteLineAsync("9. the traces: the push through every consumer to the decisions, then each admission request");
        // The demo's own setup (building and signing the image) makes traces too; show only the services' work.
        await TraceTree.WriteAsync(stdout, spans, t => t.Any(s => s.Source.Name is "MassTransit" or "Microsoft.AspNetCore"));
        var complete = manifest is not null && signatures is not null && sbom is not null && report is not null && decisions.Values.All(d => d is not null)
            && running is not null && where;
        return complete && answers.SequenceEqual([false, true, true]) ? 0 : 1;
    }

    /// <summary>Writes each line it is given with a prefix (the where table under its step).</summary>
    private sealed class IndentedWriter(TextWriter inner, string prefix) : StringWriter(CultureInfo.InvariantCulture)
    {
        public override Task WriteLineAsync(string? value)
        {
            foreach (var line in (value ?? "").Split('\n')) inner.WriteLine(prefix + line.TrimEnd('\r'));
            return Task.CompletedTask;
        }
    }

    private static async Task<bool> ReviewAsync(HttpClient http, TextWriter stdout, string label, string review)
    {
        using var response = await http.PostAsync("/validate", new StringContent(review, Encoding.UTF8, "application/json"));
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())?["response"];
        var allowed = (bool?)answer?["allowed"] ?? false;
        await stdout.WriteLineAsync($"   {label}: {(allowed ? "ALLOWED" : "DENIED")}{((string?)answer?["status"]?["message"] is { } message ? " - " + message : "")}");
        foreach (var warning in answer?["warnings"]?.AsArray() ?? []) await stdout.WriteLineAsync($"        warning: {(string?)warning}");
        return allowed;
    }

    private static async Task<T?> WaitForAsync<T>(Func<Task<T?>> probe, CancellationToken ct) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } value) return value;
            await Task.Delay(50, ct);
        }
        return null;
    }

    /// <summary><c> (linux/amd64): sha256:1c7b1963e0e2 562 B, ...</c> of the recorded manifest.</summary>
    private static string Layers(string? json)
    {
        if (json is null || JsonNode.Parse(json) is not JsonObject manifest) return "";
        var layers = manifest["layers"]?.AsArray().OfType<JsonObject>()
            .Select(l => $"{(l["digest"]?.GetValue<string>() is { Length: > 19 } d ? d[..19] : "?")} {l["size"]?.GetValue<long>() ?? 0} B") ?? [];
        return $" ({manifest["os"]}/{manifest["architecture"]}): {string.Join(", ", layers)}";
    }

    private static string Summarize(string? json, string arrayName) =>
        json is null ? "nothing (timed out)" : (JsonNode.Parse(json)?[arrayName]?.AsArray().Count ?? 0).ToString();
}
