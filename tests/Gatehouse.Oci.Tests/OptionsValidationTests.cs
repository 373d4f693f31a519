using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Gatehouse.Oci.Tests;

public sealed class OptionsValidationTests
{
    private static async Task<OptionsValidationException> StartFailsAsync(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddOciClient(builder.Configuration);
        using var host = builder.Build();
        return await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
    }

    [Theory]
    [InlineData("Gatehouse:Oci:MaxRetries", "50", "MaxRetries must be between 0 and 10")]
    [InlineData("Gatehouse:Oci:RequestTimeout", "00:00:00", "RequestTimeout must be positive")]
    [InlineData("Gatehouse:Oci:MaxManifestBytes", "10", "MaxManifestBytes must be between")]
    [InlineData("Gatehouse:Oci:DefaultPlatform", "linux", "DefaultPlatform 'linux' is not os/architecture")]
    [InlineData("Gatehouse:Registries:corp:Username", "robot", "set both Username and Password")]
    [InlineData("Gatehouse:Registries:corp:Host", "bad host", "is not a registry host")]
    // ':' separates configuration keys, so a host with a port as the key splits into nested sections.
    [InlineData("Gatehouse:Registries:127.0.0.1:5000:Insecure", "true", "Host=127.0.0.1:5000")]
    public async Task Invalid_settings_stop_the_host_at_start_up(string key, string value, string expected)
    {
        var error = await StartFailsAsync(new Dictionary<string, string?> { [key] = value });

        Assert.Contains(error.Failures, f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Valid_settings_start_and_are_bound()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gatehouse:Oci:MaxRetries"] = "5",
            ["Gatehouse:Registries:local:Host"] = "127.0.0.1:5000",
            ["Gatehouse:Registries:local:Insecure"] = "true",
            ["Gatehouse:Registries:ghcr.io:Username"] = "u",
            ["Gatehouse:Registries:ghcr.io:Password"] = "p",
        });
        builder.Services.AddOciClient(builder.Configuration);
        using var host = builder.Build();

        await host.StartAsync();
        var options = host.Services.GetRequiredService<IOptions<OciClientOptions>>().Value;
        await host.StopAsync();

        Assert.Equal(5, options.MaxRetries);
        Assert.True(options.ForRegistry("127.0.0.1:5000").Insecure);
        Assert.Equal("u", options.ForRegistry("GHCR.io").Username);
        Assert.Null(options.ForRegistry("quay.io").Username);
    }
}
