using Gatehouse.Policy.Inventory;
using Gatehouse.Policy.Sources;
using Gatehouse.ServiceDefaults.Store;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gatehouse.Policy.Impact;

internal static class ImpactRegistration
{
    /// <summary>Impact of decisions on what runs: the turn-to-deny event, snapshots, their history and gauges.</summary>
    public static void AddImpact(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ImpactOptions>().BindConfiguration(ImpactOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ImpactOptions>, ImpactOptionsValidator>();
        // The API is asked for namespace labels only where the pod watch runs (its client is registered then).
        services.AddSingleton(sp => new NamespaceProfiles(sp.GetRequiredService<IKeyValueStore>(), sp.GetRequiredService<PolicySetHolder>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetService<IKubernetes>()));
        services.AddSingleton<ImpactNotifier>();
        services.AddSingleton<ImpactCalculator>();
        services.TryAddSingleton<ImpactHistory>();
        services.AddSingleton(sp =>
        {
            var leadership = sp.GetRequiredService<IInventoryLeadership>();
            return new ImpactSampler(sp.GetRequiredService<ImpactCalculator>(), sp.GetRequiredService<ImpactHistory>(), () => leadership.IsLeader,
                leadership.Identity, sp.GetRequiredService<IOptions<ImpactOptions>>(), sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<ImpactSampler>>());
        });
        services.AddHostedService(sp => sp.GetRequiredService<ImpactSampler>());
    }
}
