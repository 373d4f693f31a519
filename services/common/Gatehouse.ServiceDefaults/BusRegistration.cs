using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Gatehouse.ServiceDefaults;

public static class BusRegistration
{
    /// <summary>
    /// The bus every service uses: RabbitMQ with quorum queues when <c>Gatehouse:RabbitMqUrl</c> is set, else
    /// MassTransit's in-memory transport (the embedded default). Every endpoint retries in process with
    /// exponential backoff; what still fails lands in the endpoint's <c>_error</c> queue.
    /// </summary>
    public static IHostApplicationBuilder AddGatehouseBus(
        this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator> registerConsumers)
    {
        var options = GatehouseOptions.ReadValidated(builder.Configuration);
        builder.Services.AddMassTransit(x =>
        {
            x.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter("gatehouse", false));
            x.ConfigureHealthCheckOptions(h =>
            {
                h.Name = "bus";
                h.Tags.Add(HealthEndpoints.ReadyTag);
            });
            registerConsumers(x);
            x.AddConfigureEndpointsCallback((_, _, endpoint) => ConfigureEndpoint(endpoint, options));
            if (options.UsesRabbitMq)
            {
                x.UsingRabbitMq((context, cfg) =>
                {
                    cfg.Host(new Uri(options.RabbitMqUrl!));
                    if (options.DelayedRedelivery) cfg.UseDelayedMessageScheduler();
                    cfg.ConfigureEndpoints(context);
                });
            }
            else
            {
                x.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
            }
        });
        return builder;
    }

    private static void ConfigureEndpoint(IReceiveEndpointConfigurator endpoint, GatehouseOptions options)
    {
        // Quorum queues replicate across a RabbitMQ cluster and survive a node loss; classic mirrored queues are deprecated.
        if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit) rabbit.SetQuorumQueue();
        if (options.DelayedRedelivery)
            endpoint.UseDelayedRedelivery(r => r.Intervals(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10)));
        var retry = options.Retry;
        endpoint.UseMessageRetry(r => r.Exponential(retry.Limit, retry.MinInterval, retry.MaxInterval, retry.Delta));
    }
}
