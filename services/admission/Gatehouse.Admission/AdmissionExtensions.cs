using Gatehouse.Contracts.Messages;
using Gatehouse.Admission.BreakGlass;
using Gatehouse.Admission.Decisions;
using Gatehouse.Admission.Profiles;
using Gatehouse.Admission.Review;
using Gatehouse.Admission.Tls;
using Gatehouse.Contracts.Decisions;
using Gatehouse.ServiceDefaults;
using k8s;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gatehouse.Admission;

/// <summary>Registration of the admission webhook: profiles, decision cache, break-glass, side effects and TLS.</summary>
public static class AdmissionExtensions
{
    public static IHostApplicationBuilder AddAdmission(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var settings = builder.Configuration.GetSection(AdmissionOptions.Section).Get<AdmissionOptions>() ?? new AdmissionOptions();
        var gatehouse = GatehouseOptions.ReadValidated(builder.Configuration);

        services.AddOptions<AdmissionOptions>().BindConfiguration(AdmissionOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AdmissionOptions>, AdmissionOptionsValidator>();
        services.AddOptions<DecisionKeyOptions>().BindConfiguration(DecisionKeyOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DecisionKeyOptions>, DecisionKeyOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        // One instance per process: in the all-in-one host policy signs with the very key admission verifies with.
        services.TryAddSingleton(sp => DecisionKeyOptions.CreateMac(sp.GetRequiredService<IOptions<DecisionKeyOptions>>().Value));

        var watchNamespaces = settings.WatchNamespaces ?? KubernetesClientConfiguration.IsInCluster();
        services.AddSingleton(sp =>
        {
            var labels = new NamespaceLabels(sp.GetRequiredService<IOptions<AdmissionOptions>>().Value);
            if (watchNamespaces) labels.ExpectWatch();
            return labels;
        });
        services.AddHealthChecks().AddCheck<NamespaceLabels>("namespace-labels", tags: [HealthEndpoints.ReadyTag]);
        services.AddSingleton<FilePolicySetSource>();
        services.TryAddSingleton<IPolicySetSource>(sp => sp.GetRequiredService<FilePolicySetSource>());
        services.AddHostedService(sp => sp.GetRequiredService<FilePolicySetSource>());
        services.AddSingleton<ProfileDirectory>();
        services.AddSingleton<IAdmissionProfiles>(sp => sp.GetRequiredService<ProfileDirectory>());
        if (watchNamespaces)
        {
            services.TryAddSingleton<IKubernetes>(_ => new Kubernetes(KubernetesClientConfiguration.InClusterConfig()));
            services.AddHostedService<NamespaceWatcher>();
        }

        services.AddSingleton<DecisionL1>();
        if (gatehouse.UsesRedis)
        {
            services.TryAddSingleton<IDecisionSource, RedisDecisionSource>();
            services.TryAddSingleton<IBreakGlassAudit, RedisBreakGlassAudit>();
            services.AddHostedService<DecisionInvalidationSubscriber>();
        }
        else
        {
            services.TryAddSingleton<IDecisionSource, StoreDecisionSource>();
            services.TryAddSingleton<IBreakGlassAudit, InMemoryBreakGlassAudit>();
        }
        services.AddSingleton<DecisionCache>();
        services.AddSingleton<ParsedImages>();
        services.AddSingleton<BreakGlassEvaluator>();
        services.AddSingleton<SideEffects>();
        services.AddSingleton<ResponseComposer>();
        services.AddSingleton<AdmissionReviewer>();
        services.AddHostedService<SideEffectPublisher>();
        services.AddSingleton<AdmissionWarmup>();
        services.AddHostedService(sp => sp.GetRequiredService<AdmissionWarmup>());
        services.AddHealthChecks().AddCheck<AdmissionWarmup>("admission-warmup", tags: [HealthEndpoints.ReadyTag]);

        if (settings.Tls.Enabled) AddTls(services, settings.Tls);
        return builder;
    }

    /// <summary>Admission only publishes (ScanRequested, BreakGlassUsed); it consumes nothing.</summary>
    public static IBusRegistrationConfigurator AddAdmissionConsumers(this IBusRegistrationConfigurator bus) => bus;

    public static IEndpointRouteBuilder MapAdmission(this IEndpointRouteBuilder endpoints) => endpoints.MapAdmissionEndpoints();

    /// <summary>HTTPS on <see cref="TlsOptions.Port"/> with the mounted certificate, reloaded when it changes.</summary>
    private static void AddTls(IServiceCollection services, TlsOptions tls)
    {
        services.AddSingleton(sp => new CertificateReloader(tls.CertFile!, tls.KeyFile!, sp.GetRequiredService<ILogger<CertificateReloader>>()));
        services.AddOptions<KestrelServerOptions>().Configure<IServiceProvider>((kestrel, sp) =>
        {
            var reloader = sp.GetRequiredService<CertificateReloader>();
            kestrel.ListenAnyIP(tls.Port, listen => listen.UseHttps(https => https.ServerCertificateSelector = (_, _) => reloader.Current));
        });
    }
}
