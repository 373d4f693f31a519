using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.Cli.Hosting;
using Gatehouse.Contracts;
using Gatehouse.ServiceDefaults.Store;
using OpenTelemetry.Trace;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// <c>gatehouse demo</c>: builds a small image as an OCI layout (the embedded registry), starts all five services in
/// this process on the embedded defaults, sends the registry-watcher the push notification a registry would send,
/// and prints what each service did and the one trace that ties it together. Needs no server.
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
        await stdout.WriteLineAsync($"1. built {RegistryHost}/{DemoImage.Repository}:{DemoImage.Tag} as an OCI layout");
        await stdout.WriteLineAsync($"   manifest {image.Digest}, {image.Layers.Count} layers");

        var spans = new List<Activity>();
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var settings = new HostSettings
        {
            Urls = "http://127.0.0.1:0",
            Configuration = new Dictionary<string, string?>
            {
                ["Gatehouse:RegistryWatcher:BearerToken"] = token,
                ["Gatehouse:Decisions:MacKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                ["Gatehouse:Registries:demo:Host"] = RegistryHost,
                ["Gatehouse:Registries:demo:Layout"] = layout,
                ["Logging:LogLevel:Default"] = "Warning",
            },
            ConfigureServices = services => services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)),
        };
        await using var app = GatehouseHost.Build(settings);
        await app.StartAsync(ct);
        var address = app.BoundAddress();
        await stdout.WriteLineAsync($"2. started registry-watcher, scanner, signer, policy and admission in one process on {address}");
        await stdout.WriteLineAsync("   (bus: MassTransit in-memory, store: in-process; no RabbitMQ, Redis or registry needed)");

        using var http = new HttpClient { BaseAddress = address };
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/distribution")
        {
            Content = new StringContent(Notification(image.Digest, image.Manifest.MediaType, image.Manifest.Size), Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.docker.distribution.events.v1+json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await http.SendAsync(request, ct);
        await stdout.WriteLineAsync($"3. POST /webhooks/distribution (manifest push) -> {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        if (!response.IsSuccessStatusCode) return 1;

        var store = app.Services.GetRequiredService<IKeyValueStore>();
        var manifest = await WaitForAsync(store, StoreKeys.ImageManifest(image.Digest), ct);
        var signatures = await WaitForAsync(store, StoreKeys.SignatureArtifacts(image.Digest), ct);
        await stdout.WriteLineAsync("4. ImagePushed fanned out:");
        await stdout.WriteLineAsync($"   scanner recorded  {Summarize(manifest, "layers")} layers: {manifest}");
        await stdout.WriteLineAsync($"   signer  recorded  {Summarize(signatures, "artifacts")} signature artifacts (the image is unsigned)");

        await app.StopAsync(ct);
        await stdout.WriteLineAsync("5. the trace, from the webhook request to both consumers:");
        await TraceTree.WriteAsync(stdout, spans);
        return manifest is not null && signatures is not null ? 0 : 1;
    }

    private static async Task<string?> WaitForAsync(IKeyValueStore store, string key, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (await store.GetAsync(key) is { } value) return value;
            await Task.Delay(50, ct);
        }
        return null;
    }

    private static string Summarize(string? json, string arrayName) =>
        json is null ? "nothing (timed out)" : (JsonNode.Parse(json)?[arrayName]?.AsArray().Count ?? 0).ToString();

    private static string Notification(string digest, string mediaType, long size) => new JsonObject
    {
        ["events"] = new JsonArray(new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"),
            ["action"] = "push",
            ["target"] = new JsonObject
            {
                ["mediaType"] = mediaType,
                ["digest"] = digest,
                ["size"] = size,
                ["repository"] = DemoImage.Repository,
                ["url"] = $"http://{RegistryHost}/v2/{DemoImage.Repository}/manifests/{digest}",
                ["tag"] = DemoImage.Tag,
            },
            ["request"] = new JsonObject { ["host"] = RegistryHost, ["method"] = "PUT", ["useragent"] = "gatehouse-demo" },
        }),
    }.ToJsonString();
}
