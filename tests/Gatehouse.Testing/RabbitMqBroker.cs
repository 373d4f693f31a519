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
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var url = new Uri(configured);
            await RequireReachableAsync(url);
            return url;
        }
        if (DockerReachable())
        {
            _container = new RabbitMqBuilder("rabbitmq:3.13-management").Build();
            await _container.StartAsync();
            return new Uri(_container.GetConnectionString());
        }
        return new Uri(TestInfra.Require(TestInfra.RabbitMqVariable,
            "no RabbitMQ is configured and no Docker engine is reachable for Testcontainers"));
    }

    /// <summary>
    /// A configured broker that does not answer fails the test at once: MassTransit would otherwise retry the
    /// connection for as long as the test waits, and the run would hang instead of saying what is missing.
    /// </summary>
    private static async Task RequireReachableAsync(Uri url)
    {
        using var client = new System.Net.Sockets.TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await client.ConnectAsync(url.Host, url.Port < 0 ? 5672 : url.Port, timeout.Token);
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or OperationCanceledException)
        {
            throw new InvalidOperationException(
                $"RabbitMQ at {url.Host}:{url.Port} ({TestInfra.RabbitMqVariable}) is not reachable: {ex.Message}. Start it with ./test.sh or `scripts/infra.sh start`.", ex);
        }
    }

    private static bool DockerReachable() =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST")) || File.Exists("/var/run/docker.sock");
}
