namespace Gatehouse.Cli.Hosting;

/// <summary>Which Gatehouse services one process runs, and against what infrastructure.</summary>
public sealed record HostSettings
{
    public static readonly IReadOnlyList<string> AllServices = ["registry-watcher", "scanner", "signer", "policy", "admission"];

    public IReadOnlyList<string> Services { get; init; } = AllServices;

    /// <summary>Kestrel URLs; port 0 picks a free port.</summary>
    public string Urls { get; init; } = "http://127.0.0.1:8080";

    /// <summary>Empty: MassTransit's in-memory transport.</summary>
    public string? RabbitMqUrl { get; init; }

    /// <summary>Empty: the in-process store.</summary>
    public string? Redis { get; init; }

    /// <summary>Further configuration, as <c>Section:Key</c> pairs (tests and the demo set tokens and registries here).</summary>
    public IReadOnlyDictionary<string, string?> Configuration { get; init; } = new Dictionary<string, string?>();

    /// <summary>Lets callers add services (an in-memory span exporter, test doubles) before the host is built.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }
}
