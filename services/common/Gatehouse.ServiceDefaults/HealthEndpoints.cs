using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gatehouse.ServiceDefaults;

public static class HealthEndpoints
{
    /// <summary>Tag of the checks that gate readiness (broker and store); liveness runs none.</summary>
    public const string ReadyTag = "ready";

    /// <summary><c>/healthz/live</c>: the process answers. <c>/healthz/ready</c>: broker and store are reachable.</summary>
    public static IEndpointRouteBuilder MapGatehouseHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks("/healthz/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = 200,
                [HealthStatus.Degraded] = 503,
                [HealthStatus.Unhealthy] = 503,
            },
        });
        return endpoints;
    }
}
