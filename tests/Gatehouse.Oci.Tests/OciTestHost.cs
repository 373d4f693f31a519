using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Oci.Tests;

/// <summary>Builds the client the way services do (AddOciClient), optionally with the recorded handler underneath.</summary>
internal static class OciTestHost
{
    public static ServiceProvider Build(IDictionary<string, string?>? settings = null, HttpMessageHandler? handler = null)
    {
        var values = new Dictionary<string, string?>
        {
            // Fast retries keep the retry tests quick; the policy (which statuses retry) is what they check.
            ["Gatehouse:Oci:RetryBaseDelay"] = "00:00:00.001",
            ["Gatehouse:Oci:MaxRetryDelay"] = "00:00:00.010",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddOciClient(configuration);
        if (handler is not null)
        {
            services.AddHttpClient(OciServiceCollectionExtensions.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => handler);
        }

        return services.BuildServiceProvider();
    }

    public static IImageStoreFactory Factory(RecordedHttpHandler handler, IDictionary<string, string?>? settings = null) =>
        Build(settings, handler).GetRequiredService<IImageStoreFactory>();
}
