using Testcontainers.RabbitMq;

namespace Gatehouse.Testing;

/// <summary>
/// The RabbitMQ that integration tests use: the one configuration names (<c>GATEHOUSE_TEST_RABBITMQ</c>, what
/// ./test.sh starts); else, where a Docker engine is reachable, a throwaway one from Testcontainers; else a
/// failure that says how to run the tests. Never a skip.
/// </summary>
public static class RabbitMqBroker
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Uri? _url;
    private static RabbitMqContainer? _container;

    public static async Task<Uri> GetUrlAsync()
    {
        await Gate.WaitAsync();
        try
        {
            return _url ??= await ResolveAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>True when the broker is the locally started one, which tests may stop and start with rabbitmqctl.</summary>
    public static bool IsLocal => _container is null;

    private static async Task<Uri> ResolveAsync()
    {
        var configured = Environment.GetEnvironmentVariable(TestInfra.RabbitMqVariable);
        if (!string.IsNullOrWhiteSpace(configured)) return new Uri(configured);
        if (DockerReachable())
        {
            _container = new RabbitMqBuilder("rabbitmq:3.13-management").Build();
            await _container.StartAsync();
            return new Uri(_container.GetConnectionString());
        }
        return new Uri(TestInfra.Require(TestInfra.RabbitMqVariable,
            "no RabbitMQ is configured and no Docker engine is reachable for Testcontainers"));
    }

    private static bool DockerReachable() =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST")) || File.Exists("/var/run/docker.sock");
}
