using Gatehouse.ServiceDefaults.Store;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gatehouse.RegistryWatcher.Tests;

/// <summary>The watcher over TestServer, with MassTransit's test harness as the bus and an in-process store.</summary>
public sealed class WatcherFactory : WebApplicationFactory<Program>
{
    public const string Token = "test-token-0123456789abcdef";

    /// <summary>When set, every publish fails as if the broker were down.</summary>
    public bool BrokerDown { get; set; }

    public InMemoryKeyValueStore Store { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Gatehouse:RegistryWatcher:BearerToken", Token);
        builder.UseSetting("Gatehouse:RegistryWatcher:PublishTimeout", "00:00:05");
        builder.ConfigureTestServices(services =>
        {
            services.AddMassTransitTestHarness();
            services.RemoveAll<IKeyValueStore>();
            services.AddSingleton<IKeyValueStore>(Store);
            services.AddScoped<PushEventProcessor>(sp => new PushEventProcessor(
                sp.GetRequiredService<IKeyValueStore>(),
                BrokerDown ? new UnavailablePublisher() : sp.GetRequiredService<IPublishEndpoint>(),
                sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<RegistryWatcherOptions>>(),
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<PushEventProcessor>>()));
        });
    }
}
