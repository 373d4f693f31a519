using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Gatehouse.Policy;

/// <summary>Registration of the policy service. It runs with the shared defaults (health, telemetry, bus) so far.</summary>
public static class PolicyExtensions
{
    public static IHostApplicationBuilder AddPolicy(this IHostApplicationBuilder builder) => builder;

    public static IBusRegistrationConfigurator AddPolicyConsumers(this IBusRegistrationConfigurator bus) => bus;

    public static IEndpointRouteBuilder MapPolicy(this IEndpointRouteBuilder endpoints) => endpoints;
}
