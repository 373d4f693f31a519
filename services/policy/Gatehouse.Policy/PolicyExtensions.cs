using Gatehouse.Contracts.Decisions;
using Gatehouse.Policy.BreakGlass;
using Gatehouse.Policy.Consumers;
using Gatehouse.Policy.Dashboard;
using Gatehouse.Policy.Decisions;
using Gatehouse.Policy.Facts;
using Gatehouse.Policy.Impact;
using Gatehouse.Policy.Inventory;
using Gatehouse.Policy.Sources;
using Gatehouse.Policy.Where;
using Gatehouse.ServiceDefaults;
using k8s;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gatehouse.Policy;

/// <summary>Registration of the policy service: policy sources, fact joining, evaluation and the decision cache.</summary>
public static class PolicyExtensions
{
    public static IHostApplicationBuilder AddPolicy(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var usesRedis = GatehouseOptions.ReadValidated(builder.Configuration).UsesRedis;
        var macKey = DecisionOptions.Section + ":" + nameof(DecisionOptions.MacKey);
        if (!usesRedis && string.IsNullOrEmpty(builder.Configuration[macKey]))
        {
            // Embedded default: with the in-process store nothing leaves this process, and admission in the same
            // process reads the same configuration, so a per-process key is as strong as a configured one.
            builder.Configuration[macKey] = DecisionOptions.GenerateMacKey();
        }
        services.AddOptions<PolicyOptions>().BindConfiguration(PolicyOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PolicyOptions>, PolicyOptionsValidator>();
        services.AddOptions<DecisionOptions>().BindConfiguration(DecisionOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DecisionOptions>, DecisionOptionsValidator>();
        // Admission in the same process may take the MAC from here; it is built only from validated options.
        services.TryAddSingleton(sp => DecisionMacFactory.Create(sp.GetRequiredService<IOptions<DecisionOptions>>()));

        services.AddSingleton<PolicySetHolder>();
        AddPolicySource(builder);

        services.AddSingleton<FactStore>();
        services.AddSingleton<ObservedVersions>();
        services.TryAddSingleton<IFindingReport, StoreFindingReport>();
        services.AddSingleton<DecisionRecorder>();
        services.AddSingleton<DigestDecider>();
        services.AddSingleton<RedecideRequests>();
        services.AddSingleton<RedecideWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<RedecideWorker>());
        builder.AddRuntimeInventory();
        builder.AddImpact();
        builder.AddDashboard();

        if (usesRedis)
        {
            services.TryAddSingleton<IDecisionAnnouncer>(sp => new RedisDecisionAnnouncer(sp.GetRequiredService<IConnectionMultiplexer>()));
        }
        else
        {
            services.TryAddSingleton<InProcessDecisionAnnouncer>();
            services.TryAddSingleton<IDecisionAnnouncer>(sp => sp.GetRequiredService<InProcessDecisionAnnouncer>());
        }
        return builder;
    }

    public static IBusRegistrationConfigurator AddPolicyConsumers(this IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.AddConsumer<ImagePushedConsumer>();
        bus.AddConsumer<SbomGeneratedConsumer>();
        bus.AddConsumer<VulnerabilitiesFoundConsumer>();
        bus.AddConsumer<SignaturesVerifiedConsumer>();
        bus.AddConsumer<ImageAnalysisFailedConsumer>();
        bus.AddConsumer<WorkloadAdmittedConsumer>();
        bus.AddBreakGlassHistory();
        return bus;
    }

    /// <summary>
    /// The policy service answers on the bus and in the store, and over HTTP, behind API authentication, the where-query
    /// (<c>GET /api/where</c>) and the dashboard (<c>/dashboard</c>, <c>/api/dashboard/*</c>).
    /// </summary>
    public static IEndpointRouteBuilder MapPolicy(this IEndpointRouteBuilder endpoints) => endpoints.MapDashboard(api => api.MapWhere());

    private static void AddPolicySource(IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(PolicyOptions.Section).Get<PolicyOptions>() ?? new PolicyOptions();
        var kind = options.Source == PolicySourceKind.Auto
            ? KubernetesClientConfiguration.IsInCluster() ? PolicySourceKind.Kubernetes : PolicySourceKind.Files
            : options.Source;
        if (kind == PolicySourceKind.Kubernetes)
        {
            builder.Services.TryAddSingleton<IKubernetes>(_ => new Kubernetes(KubernetesClientConfiguration.IsInCluster()
                ? KubernetesClientConfiguration.InClusterConfig()
                : KubernetesClientConfiguration.BuildDefaultConfig()));
            builder.Services.TryAddSingleton<IImagePolicyApi, KubernetesImagePolicyApi>();
            builder.Services.AddSingleton<KubernetesPolicySource>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<KubernetesPolicySource>());
        }
        else
        {
            builder.Services.AddSingleton<FilePolicySource>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<FilePolicySource>());
        }
    }
}
