using Gatehouse.Contracts;
using Gatehouse.Contracts.Decisions;
using Gatehouse.Policy.Model;
using Gatehouse.ServiceDefaults.Store;
using MassTransit;
using MassTransit.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gatehouse.Policy.Tests;

/// <summary>The policy service over TestServer: MassTransit's test harness, an in-process store, policies in a temp folder.</summary>
public sealed class PolicyServiceFactory : WebApplicationFactory<Program>
{
    public const string MacKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    /// <summary>The API token the service accepts (<c>Gatehouse:Api:Tokens:0</c>).</summary>
    public const string ApiToken = "policy-tests-api-token-0123456789";

    public const string ProdPolicy = """
        apiVersion: gatehouse.dev/v1alpha1
        kind: ImagePolicy
        metadata: {name: prod}
        spec:
          profile: prod
          namespaceSelector: {matchLabels: {gatehouse.dev/profile: prod}}
          registries: ['ghcr.io/acme/**']
          signatures:
            anyOf:
              - name: release
                keyless: {identity: 'https://github.com/acme/api/.github/workflows/release.yml@refs/tags/v1', issuer: 'https://token.actions.githubusercontent.com'}
          vulnerabilities: {denySeverity: HIGH, maxScanAge: 7d}
        """;

    public const string DevPolicy = """
        apiVersion: gatehouse.dev/v1alpha1
        kind: ImagePolicy
        metadata: {name: dev}
        spec:
          profile: dev
          namespaceSelector: {}
          mode: warn
          vulnerabilities: {denySeverity: CRITICAL}
          unknownImages: allow-with-warning
        """;

    private readonly DirectoryInfo _policies = Directory.CreateTempSubdirectory("gatehouse-policy-tests-");

    public PolicyServiceFactory()
    {
        WritePolicy("prod.yaml", ProdPolicy);
        WritePolicy("dev.yaml", DevPolicy);
    }

    public KeyTrackingStore Store { get; } = new();

    public string PolicyFolder => _policies.FullName;

    public Dictionary<string, string?> Settings { get; } = new()
    {
        ["Gatehouse:Decisions:MacKey"] = MacKey,
        ["Gatehouse:Api:Tokens:0"] = ApiToken,
        ["Gatehouse:Policy:Source"] = "Files",
        ["Gatehouse:Policy:ReloadDelay"] = "00:00:00",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    /// <summary>More test services (set before the first request), e.g. a Kubernetes client for the fake API server.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; set; }

    public ITestHarness Harness => Services.GetRequiredService<ITestHarness>();

    public DecisionMac Mac { get; } = new(Convert.FromBase64String(MacKey));

    public void WritePolicy(string name, string yaml) => File.WriteAllText(Path.Combine(_policies.FullName, name), yaml);

    public async Task<DecisionRecord?> RecordAsync(string profile, string digest) =>
        Decisions.DecisionRecorder.Parse(await Store.GetAsync(StoreKeys.Decision(profile, digest)));

    public async Task<DecisionVersions?> VersionsAsync(string profile) =>
        await Store.GetAsync(StoreKeys.DecisionVersions(profile)) is { } json
            ? System.Text.Json.JsonSerializer.Deserialize(json, DecisionJsonContext.Default.DecisionVersions)
            : null;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Gatehouse:Policy:Files:0", _policies.FullName);
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        builder.ConfigureTestServices(services =>
        {
            services.AddMassTransitTestHarness();
            services.RemoveAll<IKeyValueStore>();
            services.AddSingleton<IKeyValueStore>(Store);
            ConfigureServices?.Invoke(services);
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(_policies.FullName)) _policies.Delete(recursive: true);
    }
}
