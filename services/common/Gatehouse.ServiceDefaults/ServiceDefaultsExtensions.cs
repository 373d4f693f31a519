using Gatehouse.ServiceDefaults.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Gatehouse.ServiceDefaults;

public static class ServiceDefaultsExtensions
{
    /// <summary>What every Gatehouse service has: validated options, telemetry, health checks and the shared store.</summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder, string serviceName)
    {
        builder.Services.AddOptions<GatehouseOptions>().BindConfiguration(GatehouseOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<GatehouseOptions>, GatehouseOptionsValidator>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHealthChecks();
        builder.AddGatehouseTelemetry(serviceName);
        builder.AddGatehouseStore();
        return builder;
    }

    /// <summary>Endpoints every service exposes.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapGatehouseHealth();
        return app;
    }
}
