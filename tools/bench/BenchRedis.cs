using StackExchange.Redis;

namespace Gatehouse.Bench;

/// <summary>
/// The Redis a benchmark writes to: GATEHOUSE_REDIS, in the benchmark's own database unless the address names one (the
/// inventory's keys are global: a reconcile by a test or service sharing database 0 would remove the benchmark's pods).
/// </summary>
internal static class BenchRedis
{
    /// <returns>Null when GATEHOUSE_REDIS is not set (the benchmark then runs on the in-process store).</returns>
    public static async Task<ConnectionMultiplexer?> ConnectAsync(int database, bool allowAdmin = false)
    {
        var address = Environment.GetEnvironmentVariable("GATEHOUSE_REDIS");
        if (string.IsNullOrWhiteSpace(address)) return null;
        var config = ConfigurationOptions.Parse(address);
        config.DefaultDatabase ??= database;
        config.AllowAdmin = allowAdmin;
        return await ConnectionMultiplexer.ConnectAsync(config);
    }
}
