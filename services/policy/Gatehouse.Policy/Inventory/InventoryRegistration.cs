using Gatehouse.Policy.Where;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Gatehouse.Policy.Inventory;

internal static class InventoryRegistration
{
    /// <summary>The inventory store and the where-query always; the pod watch only in a cluster or when configured on.</summary>
    public static void AddRuntimeInventory(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<InventoryOptions>().BindConfiguration(InventoryOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<InventoryOptions>, InventoryOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RuntimeInventory>();
        services.AddSingleton<WhereQuery>();

        var options = builder.Configuration.GetSection(InventoryOptions.Section).Get<InventoryOptions>() ?? new InventoryOptions();
        if (!options.WatchEnabled()) return;
        services.TryAddSingleton<IKubernetes>(_ => new Kubernetes(KubernetesClientConfiguration.IsInCluster()
            ? KubernetesClientConfiguration.InClusterConfig()
            : KubernetesClientConfiguration.BuildDefaultConfig()));
        services.TryAddSingleton<IOwnerLookup, KubernetesOwnerLookup>();
        services.AddSingleton<OwnerResolver>();
        services.AddSingleton<PodInventoryWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<PodInventoryWatcher>());
    }
}
