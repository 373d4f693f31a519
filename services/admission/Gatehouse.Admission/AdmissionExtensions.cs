using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Gatehouse.Admission;

/// <summary>Registration of the admission service. It runs with the shared defaults (health, telemetry, bus) so far.</summary>
public static class AdmissionExtensions
{
    public static IHostApplicationBuilder AddAdmission(this IHostApplicationBuilder builder) => builder;

    public static IBusRegistrationConfigurator AddAdmissionConsumers(this IBusRegistrationConfigurator bus) => bus;

    public static IEndpointRouteBuilder MapAdmission(this IEndpointRouteBuilder endpoints) => endpoints;
}
