using Gatehouse.Policy.Api;
using Gatehouse.Policy.BreakGlass;
using Gatehouse.Policy.Impact;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Gatehouse.Policy.Dashboard;

/// <summary>Registration of the policy service's HTTP surface: API authentication, the dashboard's JSON and its pages.</summary>
public static class DashboardExtensions
{
    /// <summary>API authentication (validated at start-up), the dashboard's readers and the histories it shows. Needs <c>AddPolicy</c>'s services.</summary>
    public static IHostApplicationBuilder AddDashboard(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddGatehouseApiAuth();
        services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DashboardOptions>, DashboardOptionsValidator>());
        services.TryAddSingleton<ImpactHistory>();
        services.TryAddSingleton<BreakGlassHistory>();
        services.TryAddSingleton<ImageCatalog>();
        services.TryAddSingleton<ImageDetails>();
        return builder;
    }

    /// <summary>
    /// The sign-in, the dashboard's pages and <c>/api/dashboard/*</c>; <paramref name="api"/> maps further endpoints behind
    /// the same authentication (every <c>/api</c> endpoint belongs there). API answers are never cached.
    /// </summary>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder endpoints, Action<IEndpointRouteBuilder>? api = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var authenticated = endpoints.MapGroup("").RequireApiAuth();
        authenticated.AddEndpointFilter(async (context, next) =>
        {
            context.HttpContext.Response.Headers.CacheControl = "no-store";
            return await next(context);
        });
        api?.Invoke(authenticated);
        authenticated.MapDashboardApi();
        endpoints.MapApiSession();
        endpoints.MapDashboardPages();
        return endpoints;
    }
}
