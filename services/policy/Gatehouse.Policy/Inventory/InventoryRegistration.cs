using Gatehouse.Policy.Where;
using Gatehouse.ServiceDefaults;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Gatehouse.Policy.Inventory;

internal static class InventoryRegistration
{
    /// <summary>
    /// The inventory store, the where-query and the leadership always; the pod watch only in a cluster or when configured
    /// on. Replicas sharing a store (Redis) elect one leader through a Lease; a process with the watch off or an
    /// in-process store (nothing shared) leads unconditionally.
    /// </summary>
    public static void AddRuntimeInventory(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<InventoryOptions>().BindConfiguration(InventoryOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<InventoryOptions>, InventoryOptionsValidator>();
        services.AddOptions<LeadershipOptions>().BindConfiguration(LeadershipOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LeadershipOptions>, LeadershipOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RuntimeInventory>();
        services.AddSingleton<WhereQuery>();

        var options = builder.Configuration.GetSection(InventoryOptions.Section).Get<InventoryOptions>() ?? new InventoryOptions();
        var watch = options.WatchEnabled();
        var elect = watch && GatehouseOptions.ReadValidated(builder.Configuration).UsesRedis;
        services.AddSingleton(sp =>
        {
            var identity = sp.GetRequiredService<IOptions<LeadershipOptions>>().Value.ResolveIdentity();
            return elect ? new InventoryLeadership(identity) : InventoryLeadership.Unconditional(identity);
        });
        services.AddSingleton<IInventoryLeadership>(sp => sp.GetRequiredService<InventoryLeadership>());
        if (!watch) return;

        services.TryAddSingleton<IKubernetes>(_ => new Kubernetes(KubernetesClientConfiguration.IsInCluster()
            ? KubernetesClientConfiguration.InClusterConfig()
            : KubernetesClientConfiguration.BuildDefaultConfig()));
        services.TryAddSingleton<IOwnerLookup, KubernetesOwnerLookup>();
        services.AddSingleton<OwnerResolver>();
        // Registered before the watcher: hosts stop services in reverse order, so the watch (and its heartbeat) stops
        // before the election releases the Lease to the next replica.
        if (elect) services.AddHostedService<LeadershipElection>();
        services.AddSingleton<PodInventoryWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<PodInventoryWatcher>());
    }
}
