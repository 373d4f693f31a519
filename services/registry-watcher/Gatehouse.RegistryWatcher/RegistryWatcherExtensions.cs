using Gatehouse.RegistryWatcher.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Gatehouse.RegistryWatcher;

public static class RegistryWatcherExtensions
{
    /// <summary>The push-notification receiver: webhook adapters, deduplication and publishing.</summary>
    public static IHostApplicationBuilder AddRegistryWatcher(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RegistryWatcherOptions>().BindConfiguration(RegistryWatcherOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RegistryWatcherOptions>, RegistryWatcherOptionsValidator>();
        builder.Services.AddSingleton(_ => new WebhookAdapters(WebhookAdapters.BuiltIn()));
        builder.Services.AddScoped<PushEventProcessor>();
        return builder;
    }

    public static IEndpointRouteBuilder MapRegistryWatcher(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapRegistryWebhooks();
}
