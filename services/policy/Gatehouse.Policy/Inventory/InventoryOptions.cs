using k8s;
using Microsoft.Extensions.Options;

namespace Gatehouse.Policy.Inventory;

public enum InventoryMode { Auto, On, Off }

/// <summary>The runtime inventory (section <c>Gatehouse:Inventory</c>): which digests run where.</summary>
public sealed class InventoryOptions
{
    public const string Section = "Gatehouse:Inventory";

    /// <summary>auto: watch pods when running in a cluster; on: always (kubeconfig outside one); off: admission feed only.</summary>
    public InventoryMode Mode { get; set; } = InventoryMode.Auto;

    /// <summary>Watch one namespace only; empty: all namespaces.</summary>
    public string Namespace { get; set; } = "";

    /// <summary>Re-list this often even when the watch is healthy, to repair anything a watch could have missed.</summary>
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The server-side timeout asked for each watch request (the API server ends the watch then; it is resumed).</summary>
    public TimeSpan WatchTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The leader's "watch synced" heartbeat in the store is refreshed on watch progress at most this often; its TTL is
    /// about twice <see cref="WatchTimeout"/>, so it lapses when the watch keeps failing.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Page size of the list (a large cluster is listed in pages, not one response).</summary>
    public int ListPageSize { get; set; } = 500;

    /// <summary>First wait after a failure; doubled per consecutive failure up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long an object known only from admission counts as running (admission never sees deletions).</summary>
    public TimeSpan AdmittedTtl { get; set; } = TimeSpan.FromHours(24);

    public bool WatchEnabled() => Mode == InventoryMode.On || (Mode == InventoryMode.Auto && KubernetesClientConfiguration.IsInCluster());
}

internal sealed class InventoryOptionsValidator : IValidateOptions<InventoryOptions>
{
    public ValidateOptionsResult Validate(string? name, InventoryOptions options)
    {
        var errors = new List<string>();
        void Between(string field, TimeSpan value, TimeSpan min, TimeSpan max)
        {
            if (value < min || value > max) errors.Add($"{InventoryOptions.Section}:{field} must be between {min} and {max} (is {value}).");
        }
        Between(nameof(options.ResyncInterval), options.ResyncInterval, TimeSpan.FromSeconds(1), TimeSpan.FromHours(24));
        Between(nameof(options.WatchTimeout), options.WatchTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Between(nameof(options.HeartbeatInterval), options.HeartbeatInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10));
        Between(nameof(options.InitialBackoff), options.InitialBackoff, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(5));
        Between(nameof(options.MaxBackoff), options.MaxBackoff, options.InitialBackoff, TimeSpan.FromMinutes(30));
        Between(nameof(options.AdmittedTtl), options.AdmittedTtl, TimeSpan.FromMinutes(1), TimeSpan.FromDays(30));
        if (options.ListPageSize is < 1 or > 10_000)
            errors.Add($"{InventoryOptions.Section}:ListPageSize must be between 1 and 10000.");
        if (options.Namespace.Length > 63 || options.Namespace.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
            errors.Add($"{InventoryOptions.Section}:Namespace must be a namespace name (lower-case letters, digits, '-').");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
