using System.Diagnostics;
using Gatehouse.Cli.Hosting;
using Gatehouse.Oci;
using Gatehouse.ServiceDefaults.Store;
using Gatehouse.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Gatehouse.Integration.Tests;

/// <summary>
/// registry-watcher, scanner and signer as three separate hosts (as in a cluster) on the real RabbitMQ and Redis;
/// the watcher listens where the local registry sends its notifications.
/// </summary>
public sealed class RealPipeline : IAsyncDisposable
{
    private readonly List<WebApplication> _hosts = [];

    public SpanCollection Spans { get; } = new();

    public IKeyValueStore Store => _hosts[0].Services.GetRequiredService<IKeyValueStore>();

    public IImageStoreFactory Images => _hosts.Select(h => h.Services.GetService<IImageStoreFactory>()).First(f => f is not null)!;

    /// <summary>Every request the scanner host's OCI client sent to a registry (method and URL), in order.</summary>
    public RegistryRequestLog ScannerRegistryRequests { get; } = new();

    /// <summary>The scanner host's services (its advisory database, stores).</summary>
    public IServiceProvider ScannerServices => _hosts[1].Services;

    /// <param name="scannerConfiguration">Extra configuration for the scanner host only (advisory store, VEX).</param>
    public static async Task<RealPipeline> StartAsync(IReadOnlyDictionary<string, string?>? scannerConfiguration = null)
    {
        var rabbit = await RabbitMqBroker.GetUrlAsync();
        var pipeline = new RealPipeline();
        foreach (var (service, port) in new[] { ("registry-watcher", TestInfra.WebhookPort), ("scanner", 0), ("signer", 0) })
        {
            var host = GatehouseHost.Build(new HostSettings
            {
                Services = [service],
                Urls = $"http://127.0.0.1:{port}",
                RabbitMqUrl = rabbit.ToString(),
                Redis = TestInfra.Redis,
                Configuration = new Dictionary<string, string?>
                {
                    ["Gatehouse:RegistryWatcher:BearerToken"] = TestInfra.WebhookToken,
                    ["Gatehouse:Retry:Limit"] = "2",
                    ["Logging:LogLevel:Default"] = "Warning",
                }.Concat(service == "scanner" && scannerConfiguration is not null ? scannerConfiguration : []).ToDictionary(),
                ConfigureServices = services =>
                {
                    services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(pipeline.Spans));
                    if (service == "scanner")
                    {
                        services.AddHttpClient(OciServiceCollectionExtensions.HttpClientName)
                            .AddHttpMessageHandler(() => new RegistryRequestLog.Handler(pipeline.ScannerRegistryRequests));
                    }
                },
            });
            pipeline._hosts.Add(host);
            await host.StartAsync();
        }
        return pipeline;
    }

    /// <summary>Copies a cached test image into the registry with skopeo, as a user would push it.</summary>
    public static async Task PushAsync(string layout, string tag, string repository, string destinationTag)
    {
        var args = $"copy --quiet --dest-tls-verify=false oci:{layout}:{tag} docker://{TestInfra.Registry}/{repository}:{destinationTag}";
        using var skopeo = Process.Start(new ProcessStartInfo("skopeo", args) { RedirectStandardError = true })
            ?? throw new InvalidOperationException("skopeo did not start");
        var stderr = await skopeo.StandardError.ReadToEndAsync();
        await skopeo.WaitForExitAsync();
        if (skopeo.ExitCode != 0) throw new InvalidOperationException($"skopeo {args} failed ({skopeo.ExitCode}): {stderr}");
    }

    /// <summary>
    /// Consumer spans (MassTransit) of one consumer type that handled the push of <paramref name="digest"/> to
    /// <paramref name="repository"/>. The registry may also deliver a backlog of earlier pushes of the same digest to
    /// other repositories, so both are needed to pick out this test's push.
    /// </summary>
    public IReadOnlyList<Activity> ConsumerSpans(string digest, string repository, string consumerType) =>
        [.. Spans.WithTag("gatehouse.digest", digest)
            .Where(s => s.Kind == ActivityKind.Consumer && s.GetTagItem("gatehouse.repository") as string == repository &&
                (s.GetTagItem("messaging.masstransit.consumer_type") as string ?? "").EndsWith(consumerType, StringComparison.Ordinal))];

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.StopAsync();
            await host.DisposeAsync();
        }
    }
}

/// <summary>Registry requests seen by a host's OCI client (a DelegatingHandler on the "Gatehouse.Oci" HttpClient).</summary>
public sealed class RegistryRequestLog
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<(string Request, ActivityTraceId? Trace)> _requests = new();

    public IReadOnlyList<string> Requests => [.. _requests.Select(r => r.Request)];

    /// <summary>Requests whose URL mentions <paramref name="text"/> (a repository name, a digest).</summary>
    public int Count(string text) => _requests.Count(r => r.Request.Contains(text, StringComparison.Ordinal));

    /// <summary>Requests sent within one trace (a consumer's handling of one message, say).</summary>
    public IReadOnlyList<string> InTrace(ActivityTraceId trace) => [.. _requests.Where(r => r.Trace == trace).Select(r => r.Request)];

    public sealed class Handler(RegistryRequestLog log) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            log._requests.Enqueue(($"{request.Method} {request.RequestUri}", Activity.Current?.TraceId));
            return base.SendAsync(request, cancellationToken);
        }
    }
}
