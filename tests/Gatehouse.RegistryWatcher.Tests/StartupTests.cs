using Gatehouse.RegistryWatcher.Webhooks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;
using Gatehouse.Testing;

namespace Gatehouse.RegistryWatcher.Tests;

public sealed class StartupTests
{
    [Fact]
    public void Adapters_with_duplicate_names_are_rejected()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            new WebhookAdapters([.. WebhookAdapters.BuiltIn(), .. WebhookAdapters.BuiltIn()]));
        Assert.Contains("distribution", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    public void Start_fails_without_a_strong_bearer_token(string token)
    {
        var error = StartupFailure.Expect<OptionsValidationException, WebApplicationFactory<Program>>(() =>
        {
            var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
                b.UseSetting("Gatehouse:RegistryWatcher:BearerToken", token));
            return factory;
        }, factory => factory.CreateClient().Dispose());
        Assert.Contains("BearerToken", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_fails_on_a_broker_url_that_is_not_amqp()
    {
        var error = StartupFailure.Expect<OptionsValidationException, WebApplicationFactory<Program>>(() =>
        {
            var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            {
                b.UseSetting("Gatehouse:RegistryWatcher:BearerToken", WatcherFactory.Token);
                b.UseSetting("Gatehouse:RabbitMqUrl", "http://127.0.0.1:5672");
            });
            return factory;
        }, factory => factory.CreateClient().Dispose());
        Assert.Contains("RabbitMqUrl", error.Message, StringComparison.Ordinal);
    }
}
