namespace Gatehouse.Integration.Tests;

/// <summary>
/// Tests on the real RabbitMQ, Redis and registry run one at a time: they share the registry's notification port
/// and some stop and start the broker.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealServicesCollection
{
    public const string Name = "real services";
}
