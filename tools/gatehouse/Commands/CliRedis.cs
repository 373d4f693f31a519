using StackExchange.Redis;

namespace Gatehouse.Cli.Commands;

/// <summary>The Redis connection of the verbs that read the shared store (<c>--redis</c>, else <c>GATEHOUSE_REDIS</c>).</summary>
public static class CliRedis
{
    /// <returns>The connection, or null after telling stderr why there is none (a usage error, exit 2).</returns>
    public static async Task<ConnectionMultiplexer?> ConnectAsync(string verb, string? given, string what, TextWriter stderr)
    {
        var address = given ?? Environment.GetEnvironmentVariable("GATEHOUSE_REDIS");
        if (string.IsNullOrWhiteSpace(address))
        {
            await stderr.WriteLineAsync($"gatehouse {verb}: {what} in Redis; give --redis HOST:PORT or set GATEHOUSE_REDIS");
            return null;
        }
        try
        {
            var options = ConfigurationOptions.Parse(address);
            options.ConnectTimeout = 3000;
            return await ConnectionMultiplexer.ConnectAsync(options);
        }
        catch (RedisConnectionException ex)
        {
            await stderr.WriteLineAsync($"gatehouse {verb}: cannot reach Redis at {address}: {ex.Message}");
            return null;
        }
    }
}
