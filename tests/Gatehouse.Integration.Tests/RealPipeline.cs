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
/// the watcher listens where the local registry sends its notifications. Optionally also policy and admission,
/// each in a host of its own (<see cref="RealPipelineOptions"/>).
/// </summary>
public sealed class RealPipeline : IAsyncDisposable
{
    private readonly List<WebApplication> _hosts = [];
    private readonly Dictionary<string, WebApplication> _byService = new(StringComparer.Ordinal);

    /// <summary>The bearer token the policy host's API accepts.</summary>
    public const string ApiToken = "integration-tests-api-token-0123";

    public SpanCollection Spans { get; } = new();

    public IKeyValueStore Store => _hosts[0].Services.GetRequiredService<IKeyValueStore>();

    public IImageStoreFactory Images => _hosts.Select(h => h.Services.GetService<IImageStoreFactory>()).First(f => f is not null)!;

    /// <summary>Every request the scanner host's OCI client sent to a registry (method and URL), in order.</summary>
    public RegistryRequestLog ScannerRegistryRequests { get; } = new();

    /// <summary>The scanner host's services (its advisory database, stores).</summary>
    public IServiceProvider ScannerServices => _byService["scanner"].Services;

    /// <summary>The signer host's services (its promoted-image signer, trust authorities).</summary>
    public IServiceProvider SignerServices => _byService["signer"].Services;

    /// <summary>The policy host's services; only when started with <see cref="RealPipelineOptions.Policy"/>.</summary>
    public IServiceProvider PolicyServices => Host("policy").Services;

    /// <summary>The admission host's services; only when started with <see cref="RealPipelineOptions.Admission"/>.</summary>
    public IServiceProvider AdmissionServices => Host("admission").Services;

    /// <summary>Where the admission host listens (<c>/validate</c>, <c>/mutate</c>); only with <see cref="RealPipelineOptions.Admission"/>.</summary>
    public Uri AdmissionAddress => Host("admission").BoundAddress();

    /// <param name="scannerConfiguration">Extra configuration for the scanner host only (advisory store, VEX).</param>
    public static Task<RealPipeline> StartAsync(IReadOnlyDictionary<string, string?>? scannerConfiguration = null) =>
        StartAsync(new RealPipelineOptions { Scanner = scannerConfiguration });

    public static async Task<RealPipeline> StartAsync(RealPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rabbit = await RabbitMqBroker.GetUrlAsync();
        var pipeline = new RealPipeline();
        var services = new List<(string Service, int Port, IReadOnlyDictionary<string, string?>? Extra)>
        {
            ("registry-watcher", TestInfra.WebhookPort, options.RegistryWatcher),
            ("scanner", 0, options.Scanner),
            ("signer", 0, options.Signer),
        };
        // Policy and admission last: the first three keep their places (Store reads the watcher's host).
        if (options.Policy is not null) services.Add(("policy", 0, options.Policy));
        if (options.Admission is not null) services.Add(("admission", 0, options.Admission));
        try
        {
            foreach (var (service, port, extra) in services)
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
                        ["Gatehouse:Api:Tokens:0"] = ApiToken,
                        ["Logging:LogLevel:Default"] = "Warning",
                    }.Concat(extra ?? new Dictionary<string, string?>()).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value),
                    ConfigureServices = s =>
                    {
                        s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(pipeline.Spans));
                        if (service == "policy") options.PolicyServices?.Invoke(s);
                        if (service == "scanner")
                        {
                            s.AddHttpClient(OciServiceCollectionExtensions.HttpClientName)
                                .AddHttpMessageHandler(() => new RegistryRequestLog.Handler(pipeline.ScannerRegistryRequests));
                        }
                    },
                });
                try
                {
                    await host.StartAsync();
                }
                catch
                {
                    await host.DisposeAsync();
                    throw;
                }
                pipeline._hosts.Add(host);
                pipeline._byService[service] = host;
            }
        }
        catch
        {
            // Hosts already started would otherwise keep the registry's notification port and their consumers.
            await pipeline.DisposeAsync();
            throw;
        }
        return pipeline;
    }

    private WebApplication Host(string service) => _byService.TryGetValue(service, out var host) ? host
        : throw new InvalidOperationException($"the pipeline was started without a {service} host (see {nameof(RealPipelineOptions)})");

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
        _hosts.Clear();
        _byService.Clear();
    }
}

/// <summary>
/// Extra configuration per service host of a <see cref="RealPipeline"/> (pairs given here win over the pipeline's
/// defaults); policy and admission hosts are started only when their configuration is given (it may be empty).
/// </summary>
public sealed record RealPipelineOptions
{
    public IReadOnlyDictionary<string, string?>? RegistryWatcher { get; init; }

    /// <summary>The scanner host (advisory store, VEX).</summary>
    public IReadOnlyDictionary<string, string?>? Scanner { get; init; }

    /// <summary>The signer host (trust authorities, signing key).</summary>
    public IReadOnlyDictionary<string, string?>? Signer { get; init; }

    /// <summary>Non-null: also a policy host (policy files, decision MAC key).</summary>
    public IReadOnlyDictionary<string, string?>? Policy { get; init; }

    /// <summary>More services for the policy host (a Kubernetes client for a fake API server, say).</summary>
    public Action<IServiceCollection>? PolicyServices { get; init; }

    /// <summary>Non-null: also an admission host on a free port (policy files, MAC key, namespace labels).</summary>
    public IReadOnlyDictionary<string, string?>? Admission { get; init; }
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
