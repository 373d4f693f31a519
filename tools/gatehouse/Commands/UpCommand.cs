using Gatehouse.Cli.Hosting;

namespace Gatehouse.Cli.Commands;

/// <summary><c>gatehouse up</c>: all five services in one process; RabbitMQ and Redis when their URLs are given.</summary>
public static class UpCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        CliArgs parsed;
        try
        {
            parsed = CliArgs.Parse(args, ["--rabbitmq", "--redis", "--urls", "--webhook-token", "--api-token"], []);
        }
        catch (CliUsageException ex)
        {
            await stderr.WriteLineAsync($"gatehouse up: {ex.Message}");
            return 2;
        }
        // The where-query API and the dashboard take bearer tokens; one is made up (and printed) when none is given.
        var (apiToken, generated) = TokenOf(parsed, "--api-token", "GATEHOUSE_API_TOKEN");
        // So is the registry webhook's: without one the registry-watcher refuses to start (it never accepts anonymous pushes).
        var (webhookToken, webhookGenerated) = TokenOf(parsed, "--webhook-token", "GATEHOUSE_WEBHOOK_TOKEN");
        var settings = new HostSettings
        {
            Urls = parsed.Value("--urls") ?? "http://127.0.0.1:8080",
            RabbitMqUrl = parsed.Value("--rabbitmq") ?? Environment.GetEnvironmentVariable("GATEHOUSE_RABBITMQ"),
            Redis = parsed.Value("--redis") ?? Environment.GetEnvironmentVariable("GATEHOUSE_REDIS"),
            Configuration = new Dictionary<string, string?>
            {
                ["Gatehouse:RegistryWatcher:BearerToken"] = webhookToken,
                ["Gatehouse:Api:Tokens:0"] = apiToken,
            },
        };
        await using var app = GatehouseHost.Build(settings);
        await app.StartAsync(ct);
        await stdout.WriteLineAsync($"gatehouse: all services on {app.BoundAddress()} " +
            $"(bus: {(settings.RabbitMqUrl is null ? "in-memory" : "RabbitMQ")}, store: {(settings.Redis is null ? "in-process" : "Redis")}); Ctrl+C stops");
        await stdout.WriteLineAsync($"gatehouse: dashboard {app.BoundAddress()}dashboard" +
            (generated ? $" (API token for this run: {apiToken}; set --api-token or GATEHOUSE_API_TOKEN to choose one)" : " (sign in with the API token)"));
        await stdout.WriteLineAsync($"gatehouse: registry notifications to {app.BoundAddress()}webhooks/distribution" +
            (webhookGenerated ? $" with 'Authorization: Bearer {webhookToken}' (set --webhook-token or GATEHOUSE_WEBHOOK_TOKEN to choose one)" : " with the webhook token"));
        // Ctrl+C cancels ct; SIGTERM (a service manager, `kill`) reaches the host's lifetime, which stops the application.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(ct, app.Lifetime.ApplicationStopping);
        try
        {
            await Task.Delay(Timeout.Infinite, stopping.Token);
        }
        catch (OperationCanceledException)
        {
        }
        await app.StopAsync(CancellationToken.None);
        return 0;
    }

    /// <summary>The token given by option or environment, else a random one made up for this run (and said to be).</summary>
    private static (string Token, bool Generated) TokenOf(CliArgs parsed, string option, string environment) =>
        (parsed.Value(option) ?? Environment.GetEnvironmentVariable(environment)) is { Length: > 0 } given
            ? (given, false)
            : (Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)), true);
}
