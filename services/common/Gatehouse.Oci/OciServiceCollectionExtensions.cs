using Gatehouse.Oci.Registry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gatehouse.Oci;

public static class OciServiceCollectionExtensions
{
    /// <summary>The named HttpClient registry calls use (tests swap its primary handler).</summary>
    public const string HttpClientName = "Gatehouse.Oci";

    /// <summary>
    /// Registers <see cref="IImageStoreFactory"/> with options from <c>Gatehouse:Oci</c> and <c>Gatehouse:Registries</c>,
    /// validated at start-up, and the named HttpClient.
    /// </summary>
    public static IServiceCollection AddOciClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<OciClientOptions>()
            .Bind(configuration.GetSection(OciClientOptions.SectionName))
            .Configure(o => configuration.GetSection(OciClientOptions.RegistriesSectionName).Bind(o.Registries))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OciClientOptions>, OciClientOptionsValidator>());

        services.AddHttpClient(HttpClientName)
            // Timeouts are per attempt in RegistryTransport; a client-wide one would cut off long blob downloads.
            .ConfigureHttpClient(c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                ConnectTimeout = sp.GetRequiredService<IOptions<OciClientOptions>>().Value.ConnectTimeout,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                // Blobs are verified as sent; transparent decompression would change the bytes we hash.
                AutomaticDecompression = System.Net.DecompressionMethods.None,
            });

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RegistryTokenCache>();
        services.TryAddSingleton<IImageStoreFactory, ImageStoreFactory>();
        return services;
    }
}
