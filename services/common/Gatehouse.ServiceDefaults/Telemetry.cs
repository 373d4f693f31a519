using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Gatehouse.ServiceDefaults;

/// <summary>Names every Gatehouse component uses for its spans and meters, so one wildcard collects them all.</summary>
public static class GatehouseDiagnostics
{
    public const string SourcePrefix = "Gatehouse.";

    public static ActivitySource CreateSource(string component) => new(SourcePrefix + component);
}

public static class TelemetryExtensions
{
    /// <summary>
    /// Traces, metrics and logs through OpenTelemetry: ASP.NET Core, HttpClient, MassTransit and every
    /// <c>Gatehouse.*</c> source. Exports over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
    /// </summary>
    public static IHostApplicationBuilder AddGatehouseTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithTracing(tracing => tracing
                .AddSource(SourcePattern)
                .AddSource("MassTransit")
                .AddAspNetCoreInstrumentation(o => o.Filter = ctx => !IsHealthProbe(ctx))
                .AddHttpClientInstrumentation())
            .WithMetrics(metrics => metrics
                .AddMeter(SourcePattern)
                .AddMeter("MassTransit")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation());
        if (otlp) otel.UseOtlpExporter();
        return builder;
    }

    private const string SourcePattern = GatehouseDiagnostics.SourcePrefix + "*";

    private static bool IsHealthProbe(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/healthz", StringComparison.Ordinal);
}
