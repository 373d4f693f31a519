using Gatehouse.Contracts;
using Microsoft.Extensions.Options;

namespace Gatehouse.Oci;

/// <summary>Registry client settings: <c>Gatehouse:Oci</c> for tuning, <c>Gatehouse:Registries:&lt;name&gt;</c> per registry.</summary>
public sealed class OciClientOptions
{
    public const string SectionName = "Gatehouse:Oci";
    public const string RegistriesSectionName = "Gatehouse:Registries";

    /// <summary>Per-registry settings. The key is the host unless the entry sets <see cref="RegistryOptions.Host"/>.</summary>
    public Dictionary<string, RegistryOptions> Registries { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Time allowed for a response's headers (and a manifest's body); blob bodies stream without it.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries after the first attempt, for 5xx, 429 and network errors (never for other 4xx).</summary>
    public int MaxRetries { get; set; } = 3;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest manifest or index we read or write; bounds what a hostile registry can make us buffer.</summary>
    public int MaxManifestBytes { get; set; } = 4 * 1024 * 1024;

    public int MaxConfigBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>The platform picked from an index when the caller names none.</summary>
    public string DefaultPlatform { get; set; } = "linux/amd64";

    /// <summary>Settings for <paramref name="registry"/> (matched on the host, case-insensitively), or defaults.</summary>
    public RegistryOptions ForRegistry(string registry)
    {
        foreach (var (key, entry) in Registries)
        {
            if (string.Equals(entry.Host ?? key, registry, StringComparison.OrdinalIgnoreCase))
            {
                return entry;
            }
        }

        return new RegistryOptions();
    }
}

public sealed class RegistryOptions
{
    /// <summary>
    /// The registry host with its port. Needed when the host has a port, because ':' separates configuration
    /// keys: <c>Gatehouse:Registries:local:Host=127.0.0.1:5000</c>.
    /// </summary>
    public string? Host { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>Talk plain http to this registry (loopback hosts always use http).</summary>
    public bool Insecure { get; set; }

    /// <summary>
    /// Serve this registry host from an OCI image layout folder instead of over HTTP: the embedded stand-in for a
    /// registry when Gatehouse runs on one machine with no registry server.
    /// </summary>
    public string? Layout { get; set; }
}

internal sealed class OciClientOptionsValidator : IValidateOptions<OciClientOptions>
{
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(10);

    public ValidateOptionsResult Validate(string? name, OciClientOptions options)
    {
        var failures = new List<string>();
        CheckRange(failures, nameof(options.RequestTimeout), options.RequestTimeout, MaxTimeout);
        CheckRange(failures, nameof(options.ConnectTimeout), options.ConnectTimeout, MaxTimeout);
        CheckRange(failures, nameof(options.RetryBaseDelay), options.RetryBaseDelay, TimeSpan.FromMinutes(1));
        CheckRange(failures, nameof(options.MaxRetryDelay), options.MaxRetryDelay, TimeSpan.FromMinutes(5));
        if (options.MaxRetries is < 0 or > 10)
        {
            failures.Add($"{OciClientOptions.SectionName}:MaxRetries must be between 0 and 10 (got {options.MaxRetries})");
        }

        if (options.MaxManifestBytes is < 1024 or > 64 * 1024 * 1024)
        {
            failures.Add($"{OciClientOptions.SectionName}:MaxManifestBytes must be between 1 KiB and 64 MiB (got {options.MaxManifestBytes})");
        }

        if (options.MaxConfigBytes is < 1024 or > 256 * 1024 * 1024)
        {
            failures.Add($"{OciClientOptions.SectionName}:MaxConfigBytes must be between 1 KiB and 256 MiB (got {options.MaxConfigBytes})");
        }

        if (!ImagePlatform.TryParse(options.DefaultPlatform, out _))
        {
            failures.Add($"{OciClientOptions.SectionName}:DefaultPlatform '{options.DefaultPlatform}' is not os/architecture[/variant]");
        }

        foreach (var (key, entry) in options.Registries)
        {
            ValidateRegistry(failures, key, entry);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateRegistry(List<string> failures, string key, RegistryOptions entry)
    {
        var path = $"{OciClientOptions.RegistriesSectionName}:{key}";
        if (entry.Host is null && entry.Username is null && entry.Password is null && !entry.Insecure)
        {
            failures.Add($"{path} sets nothing; for a host with a port use a name and Host= (':' separates configuration keys), " +
                         $"e.g. {OciClientOptions.RegistriesSectionName}:local:Host=127.0.0.1:5000");
            return;
        }

        var host = entry.Host ?? key;
        try
        {
            _ = ImageReference.Create(host, "probe");
        }
        catch (FormatException e)
        {
            failures.Add($"{path}: '{host}' is not a registry host: {e.Message}");
        }

        if ((entry.Username is null) != (entry.Password is null))
        {
            failures.Add($"{path}: set both Username and Password, or neither");
        }
    }

    private static void CheckRange(List<string> failures, string name, TimeSpan value, TimeSpan max)
    {
        if (value <= TimeSpan.Zero || value > max)
        {
            failures.Add($"{OciClientOptions.SectionName}:{name} must be positive and at most {max} (got {value})");
        }
    }
}
