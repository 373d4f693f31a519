using Gatehouse.Cli.Hosting;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Integration.Tests;

public sealed class AllInOneHostTests
{
    [Fact]
    public async Task Every_consumer_gets_its_own_queue_so_each_service_sees_every_event()
    {
        // Two consumers with one endpoint name would compete for messages instead of each receiving them.
        await using var app = GatehouseHost.Build(new HostSettings
        {
            Urls = "http://127.0.0.1:0",
            Configuration = new Dictionary<string, string?> { ["Gatehouse:RegistryWatcher:BearerToken"] = "all-in-one-test-token" },
        });
        var formatter = app.Services.GetRequiredService<IEndpointNameFormatter>();
        var consumers = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => a.GetName().Name?.StartsWith("Gatehouse.", StringComparison.Ordinal) == true)
            .SelectMany(a => a.GetTypes())
            .Where(t => t is { IsClass: true, IsAbstract: false } && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IConsumer<>)))
            .ToList();
        Assert.Contains(consumers, t => t.Namespace!.StartsWith("Gatehouse.Scanner", StringComparison.Ordinal));
        Assert.Contains(consumers, t => t.Namespace!.StartsWith("Gatehouse.Signer", StringComparison.Ordinal));

        var names = consumers.Select(t => (Type: t, Name: (string)typeof(IEndpointNameFormatter).GetMethod(nameof(IEndpointNameFormatter.Consumer))!
            .MakeGenericMethod(t).Invoke(formatter, null)!)).ToList();
        var clashes = names.GroupBy(n => n.Name).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(x => x.Type.FullName))}");
        Assert.Empty(clashes);
    }
}
