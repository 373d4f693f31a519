using Gatehouse.Oci;
using Gatehouse.Signer.Consumers;
using Gatehouse.Signer.Discovery;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Gatehouse.Signer;

public static class SignerExtensions
{
    public static IHostApplicationBuilder AddSigner(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOciClient(builder.Configuration);
        builder.Services.AddSingleton<SignatureArtifactDiscovery>();
        return builder;
    }

    public static IBusRegistrationConfigurator AddSignerConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<SignatureDiscoveryConsumer>();
        return bus;
    }
}
