using Gatehouse.Oci;
using Gatehouse.Signer.Authorities;
using Gatehouse.Signer.Consumers;
using Gatehouse.Signer.Discovery;
using Gatehouse.Signer.Signing;
using Gatehouse.Signer.Verification;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Gatehouse.Signer;

public static class SignerExtensions
{
    /// <summary>
    /// Discovery, verification against the authorities of <c>Gatehouse:Signer:Authorities</c> (validated at start-up),
    /// and the promoted-image signer with its key from Dapr or a mounted file (<c>Gatehouse:Signer:Signing</c>).
    /// </summary>
    public static IHostApplicationBuilder AddSigner(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOciClient(builder.Configuration);
        services.AddOptions<SignerOptions>().BindConfiguration(SignerOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SignerOptions>, SignerOptionsValidator>();
        // Built here, so a duplicate plugin name stops the service before it starts.
        services.AddSingleton(new SignatureFormatVerifiers(SignatureFormatVerifiers.BuiltIn));
        services.AddSingleton(sp => TrustAuthorities.Load(sp.GetRequiredService<IOptions<SignerOptions>>().Value));
        services.AddSingleton<SignatureArtifactDiscovery>();
        services.AddSingleton<ImageSignatureVerifier>();
        services.AddSingleton<ISigningKeySource>(sp =>
        {
            var signing = sp.GetRequiredService<IOptions<SignerOptions>>().Value.Signing;
            return signing.UsesDapr ? new DaprSecretSigningKeySource(sp.GetRequiredService<DaprKeyClient>().Client, signing)
                : signing.Enabled ? new FileSigningKeySource(signing.KeyPath!)
                : new UnconfiguredSigningKeySource();
        });
        services.AddSingleton(sp => new DaprKeyClient(DaprSecretSigningKeySource.CreateClient(sp.GetRequiredService<IOptions<SignerOptions>>().Value.Signing)));
        services.AddSingleton<PromotedImageSigner>();
        return builder;
    }

    public static IBusRegistrationConfigurator AddSignerConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<SignatureVerificationConsumer>();
        bus.AddConsumer<ImageSigningConsumer>();
        return bus;
    }
}

/// <summary>Owns the Dapr client so the container disposes it; created only when signing uses Dapr.</summary>
internal sealed class DaprKeyClient(Dapr.Client.DaprClient client) : IDisposable
{
    public Dapr.Client.DaprClient Client { get; } = client;

    public void Dispose() => Client.Dispose();
}
