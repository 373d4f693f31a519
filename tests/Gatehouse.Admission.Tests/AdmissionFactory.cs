using Gatehouse.Admission.BreakGlass;
using Gatehouse.Admission.Decisions;
using Gatehouse.Contracts.Decisions;
using Gatehouse.ServiceDefaults.Store;
using Gatehouse.Testing;
using MassTransit;
using MassTransit.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gatehouse.Admission.Tests;

/// <summary>
/// The admission service over TestServer with the profiles below, MassTransit's test harness as the bus, a
/// hand-moved clock, and (unless a test says otherwise) the in-process store as the decision source.
/// </summary>
public class AdmissionFactory : WebApplicationFactory<Program>
{
    public static readonly byte[] MacKey = [.. Enumerable.Range(1, 32).Select(i => (byte)(i * 7))];

    public static readonly DecisionMac Mac = new(MacKey);

    /// <summary>The ImagePolicy files of the tests' profiles: prod, dev, staging (warn), legacy (audit), pinned.</summary>
    public static string PolicyFolder => Path.Combine(RepoPaths.Root, "tests", "Gatehouse.Admission.Tests", "Policies");

    /// <summary>Policies and namespaces every test shares (configuration keys as an operator writes them).</summary>
    public static IReadOnlyDictionary<string, string?> BaseSettings { get; } = new Dictionary<string, string?>
    {
        ["Gatehouse:Decisions:MacKey"] = Convert.ToBase64String(MacKey),
        ["Gatehouse:Admission:Deadline"] = "00:00:05",
        ["Gatehouse:Admission:MaxStaleness"] = "00:05:00",
        ["Gatehouse:Admission:WatchNamespaces"] = "false",
        // Off by default so tests count store round trips exactly; StartupTests covers the warm-up itself.
        ["Gatehouse:Admission:WarmupRounds"] = "0",
        ["Gatehouse:Policy:Files:0"] = PolicyFolder,
        ["Gatehouse:Admission:Namespaces:default:Labels:env"] = "prod",
        ["Gatehouse:Admission:Namespaces:prod-apps:Labels:env"] = "prod",
        ["Gatehouse:Admission:Namespaces:dev-apps:Labels:env"] = "dev",
        ["Gatehouse:Admission:Namespaces:staging-apps:Labels:env"] = "staging",
        ["Gatehouse:Admission:Namespaces:legacy-apps:Labels:env"] = "legacy",
        ["Gatehouse:Admission:Namespaces:payments:Labels:env"] = "prod",
        ["Gatehouse:Admission:Namespaces:payments:Labels:pinning"] = "strict",
    };

    private readonly Dictionary<string, string?> _settings = new(BaseSettings);

    public ManualClock Clock { get; } = new();

    public InMemoryKeyValueStore Store { get; } = new();

    public InMemoryBreakGlassAudit Audit { get; } = new();

    /// <summary>Replaces the decision source (a stub that hangs, or Redis); null keeps the in-process store.</summary>
    public IDecisionSource? Source { get; init; }

    /// <summary>Keep the service's own audit sink (the Redis stream when Redis is configured).</summary>
    public bool KeepAudit { get; init; }

    public ITestHarness Harness => Services.GetRequiredService<ITestHarness>();

    public DecisionL1 L1 => Services.GetRequiredService<DecisionL1>();

    /// <summary>
    /// Waits for a message the side-effect queue publishes after the answer was given. (The harness's own Any
    /// returns as soon as the bus is idle, which can be before the queue got to the message.)
    /// </summary>
    public Task<T> PublishedAsync<T>(Func<T, bool> match) where T : class =>
        Eventually.GetAsync(() => Task.FromResult(PublishedSoFar<T>().FirstOrDefault(match)), TimeSpan.FromSeconds(15), $"a published {typeof(T).Name}");

    public IReadOnlyList<T> PublishedSoFar<T>() where T : class => [.. Harness.Published.Select<T>().Select(m => m.Context.Message)];

    /// <summary>Overrides or adds a configuration key (before the first request).</summary>
    public AdmissionFactory With(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        builder.ConfigureTestServices(services =>
        {
            services.AddMassTransitTestHarness();
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            services.RemoveAll<IKeyValueStore>();
            services.AddSingleton<IKeyValueStore>(Store);
            if (!KeepAudit)
            {
                services.RemoveAll<IBreakGlassAudit>();
                services.AddSingleton<IBreakGlassAudit>(Audit);
            }
            if (Source is not null)
            {
                services.RemoveAll<IDecisionSource>();
                services.AddSingleton(Source);
            }
        });
    }
}
