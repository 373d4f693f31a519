using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gatehouse.Policy.Api;

/// <summary>Marks an endpoint the API scheme answers for; elsewhere (health probes, webhooks of other services in the same process) it stays silent.</summary>
public sealed class ApiAuthenticatedEndpoint
{
    public static readonly ApiAuthenticatedEndpoint Instance = new();

    private ApiAuthenticatedEndpoint()
    {
    }
}

public static class ApiAuthExtensions
{
    /// <summary>The authorization policy of <c>/api/*</c>: an authenticated user of <see cref="ApiAuthenticationHandler.SchemeName"/>.</summary>
    public const string Policy = "GatehouseApi";

    /// <summary>Options (validated at start-up), the token set and the <see cref="ApiAuthenticationHandler.SchemeName"/> scheme with its policy.</summary>
    public static IServiceCollection AddGatehouseApiAuth(this IServiceCollection services)
    {
        services.AddOptions<ApiAuthOptions>().BindConfiguration(ApiAuthOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApiAuthOptions>, ApiAuthOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ApiTokens>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiAuthenticationHandler>(ApiAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy
            .AddAuthenticationSchemes(ApiAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser());
        return services;
    }

    /// <summary>The endpoints need an accepted API token (bearer header or the dashboard's cookie); 401 with the reason otherwise.</summary>
    public static TBuilder RequireApiAuth<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(ApiAuthenticatedEndpoint.Instance).RequireAuthorization(Policy);

    /// <summary>The endpoints read the API session themselves (the dashboard's pages), without a challenge.</summary>
    public static TBuilder ReadsApiSession<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(ApiAuthenticatedEndpoint.Instance).AllowAnonymous();
}
