using Gatehouse.Policy.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Gatehouse.Testing;

namespace Gatehouse.Policy.Tests;

/// <summary>The service refuses to start without a usable MAC key or with invalid policy files.</summary>
public sealed class StartupTests
{
    [Theory]
    [InlineData("", "Gatehouse:Decisions:MacKey is required (base64, at least 32 bytes)")]
    [InlineData("AAECAwQFBgcICQoLDA0ODw==", "Gatehouse:Decisions:MacKey decodes to 16 bytes; at least 32 are required")]
    [InlineData("not base64!", "Gatehouse:Decisions:MacKey is not valid base64")]
    public void Start_fails_without_a_strong_mac_key(string key, string expected)
    {
        var error = StartupFailure.Expect<OptionsValidationException, PolicyServiceFactory>(() =>
        {
            var factory = new PolicyServiceFactory();
            factory.Settings["Gatehouse:Decisions:MacKey"] = key;
            // With Redis the key is shared with admission in other processes, so it must be configured.
            factory.Settings["Gatehouse:Redis"] = "127.0.0.1:1";
            return factory;
        }, factory => factory.CreateClient().Dispose());
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_the_in_process_store_a_missing_key_is_generated_once_for_the_process()
    {
        using var factory = new PolicyServiceFactory();
        factory.Settings.Remove("Gatehouse:Decisions:MacKey");
        factory.CreateClient().Dispose();

        var options = factory.Services.GetRequiredService<IOptions<Gatehouse.Policy.DecisionOptions>>().Value;
        Assert.Equal(32, options.MacKeyBytes().Length);
        Assert.Equal(options.MacKey, factory.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["Gatehouse:Decisions:MacKey"]);
    }

    [Fact]
    public void Start_fails_on_an_invalid_policy_file_and_lists_every_error()
    {
        var error = StartupFailure.Expect<PolicyValidationException, PolicyServiceFactory>(() =>
        {
            var factory = new PolicyServiceFactory();
            factory.WritePolicy("prod.yaml", PolicyServiceFactory.ProdPolicy.Replace("denySeverity: HIGH", "denySeverity: SEVERE, maxAge: 1d", StringComparison.Ordinal));
            return factory;
        }, factory => factory.CreateClient().Dispose());
        Assert.Equal(2, error.Issues.Count);
        Assert.Contains("spec.vulnerabilities.denySeverity: must be one of CRITICAL, HIGH, MEDIUM, LOW (was 'SEVERE')", error.Message, StringComparison.Ordinal);
        Assert.Contains("spec.vulnerabilities.maxAge: unknown field", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_policy_files_the_built_in_examples_load()
    {
        var result = Sources.FilePolicySource.LoadBuiltIn(PolicyYaml.Options);
        Assert.True(result.Succeeded, string.Join("\n", result.Issues));
        Assert.Equal(["dev", "prod"], result.Policies.Select(p => p.Profile).Order());
    }
}
