using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace Gatehouse.ServiceDefaults.Store;

public static class StoreRegistration
{
    /// <summary>Redis when <c>Gatehouse:Redis</c> is set (with a readiness check), else the in-process store.</summary>
    public static IHostApplicationBuilder AddGatehouseStore(this IHostApplicationBuilder builder)
    {
        var options = GatehouseOptions.ReadValidated(builder.Configuration);
        if (options.UsesRedis)
        {
            var config = ConfigurationOptions.Parse(options.Redis!);
            // Start even while Redis is down; readiness reports it and the multiplexer reconnects by itself.
            config.AbortOnConnectFail = false;
            config.ConnectTimeout = 2000;
            builder.Services.TryAddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(config));
            builder.Services.TryAddSingleton<IKeyValueStore, RedisKeyValueStore>();
            builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: [HealthEndpoints.ReadyTag]);
        }
        else
        {
            builder.Services.TryAddSingleton<IKeyValueStore, InMemoryKeyValueStore>();
        }
        return builder;
    }
}

internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            return HealthCheckResult.Healthy($"ping {latency.TotalMilliseconds:F1} ms");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis is unreachable", ex);
        }
    }
}
