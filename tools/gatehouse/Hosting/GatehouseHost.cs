using Gatehouse.Admission;
using Gatehouse.Policy;
using Gatehouse.RegistryWatcher;
using Gatehouse.Scanner;
using Gatehouse.ServiceDefaults;
using Gatehouse.Signer;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Gatehouse.Cli.Hosting;

/// <summary>
/// Composes any subset of the five services into one process: the same registrations each service's own
/// Program.cs makes, so the all-in-one host (demo, <c>up</c>) and the integration tests run the real code.
/// </summary>
public static class GatehouseHost
{
    public static WebApplication Build(HostSettings settings, string[]? args = null)
    {
        var builder = WebApplication.CreateBuilder(args ?? []);
        builder.WebHost.UseUrls(settings.Urls);
        var config = new Dictionary<string, string?>(settings.Configuration);
        if (!string.IsNullOrWhiteSpace(settings.RabbitMqUrl)) config["Gatehouse:RabbitMqUrl"] = settings.RabbitMqUrl;
        if (!string.IsNullOrWhiteSpace(settings.Redis)) config["Gatehouse:Redis"] = settings.Redis;
        builder.Configuration.AddInMemoryCollection(config);

        bool Runs(string service) => settings.Services.Contains(service, StringComparer.Ordinal);
        builder.AddServiceDefaults(settings.Services.Count == 1 ? settings.Services[0] : "gatehouse");
        builder.AddGatehouseBus(bus =>
        {
            if (Runs("scanner")) bus.AddScannerConsumers();
            if (Runs("signer")) bus.AddSignerConsumers();
            if (Runs("policy")) bus.AddPolicyConsumers();
            if (Runs("admission")) bus.AddAdmissionConsumers();
        });
        if (Runs("registry-watcher")) builder.AddRegistryWatcher();
        if (Runs("scanner")) builder.AddScanner();
        if (Runs("signer")) builder.AddSigner();
        if (Runs("policy")) builder.AddPolicy();
        if (Runs("admission")) builder.AddAdmission();
        settings.ConfigureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.MapDefaultEndpoints();
        if (Runs("registry-watcher")) app.MapRegistryWatcher();
        if (Runs("policy")) app.MapPolicy();
        if (Runs("admission")) app.MapAdmission();
        return app;
    }

    /// <summary>The base address Kestrel actually bound (useful with port 0).</summary>
    public static Uri BoundAddress(this WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var first = addresses?.FirstOrDefault() ?? throw new InvalidOperationException("the host is not listening yet");
        return new Uri(first.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }
}
