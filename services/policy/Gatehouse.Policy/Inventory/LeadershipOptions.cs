using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Gatehouse.Policy.Inventory;

/// <summary>
/// Which policy replica runs the pod watch (section <c>Gatehouse:Inventory:Leadership</c>): a coordination.k8s.io Lease
/// elects one. Used only when the watch is enabled and the store is shared (Redis); otherwise every process leads alone.
/// </summary>
public sealed class LeadershipOptions
{
    public const string Section = InventoryOptions.Section + ":Leadership";

    /// <summary>The Lease the replicas compete for (the RBAC Role names it too).</summary>
    public string LeaseName { get; set; } = "gatehouse-policy-inventory";

    /// <summary>The Lease's namespace; empty: the pod's own (env <c>POD_NAMESPACE</c>, else the service account's).</summary>
    public string LeaseNamespace { get; set; } = "";

    /// <summary>This replica's name in the Lease; empty: env <c>POD_NAME</c> (downward API), else the host name.</summary>
    public string Identity { get; set; } = "";

    /// <summary>How long a Lease nobody renews keeps others waiting (whole seconds: the Lease stores seconds).</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The leader gives up when it could not renew for this long (so it stops before another can take over).</summary>
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Pause between attempts to acquire or renew.</summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The identity to use: configured, else the pod name, else the host name.</summary>
    public string ResolveIdentity() =>
        FirstNonEmpty(Identity, Environment.GetEnvironmentVariable("POD_NAME"), Environment.MachineName) ?? "gatehouse-policy";

    /// <summary>The Lease's namespace: configured, else the pod's (downward API or service account), else <c>default</c>.</summary>
    public string ResolveNamespace()
    {
        const string serviceAccountNamespace = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
        var fromFile = File.Exists(serviceAccountNamespace) ? File.ReadAllText(serviceAccountNamespace).Trim() : null;
        return FirstNonEmpty(LeaseNamespace, Environment.GetEnvironmentVariable("POD_NAMESPACE"), fromFile) ?? "default";
    }

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();
}

internal sealed partial class LeadershipOptionsValidator : IValidateOptions<LeadershipOptions>
{
    public ValidateOptionsResult Validate(string? name, LeadershipOptions options)
    {
        var errors = new List<string>();
        void Between(string field, TimeSpan value, TimeSpan min, TimeSpan max)
        {
            if (value < min || value > max) errors.Add($"{LeadershipOptions.Section}:{field} must be between {min} and {max} (is {value}).");
        }
        Between(nameof(options.LeaseDuration), options.LeaseDuration, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
        Between(nameof(options.RenewDeadline), options.RenewDeadline, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
        Between(nameof(options.RetryPeriod), options.RetryPeriod, TimeSpan.FromMilliseconds(50), TimeSpan.FromMinutes(1));
        if (options.LeaseDuration.Ticks % TimeSpan.TicksPerSecond != 0)
            errors.Add($"{LeadershipOptions.Section}:LeaseDuration must be whole seconds (the Lease stores leaseDurationSeconds).");
        // The leader stops at the latest RetryPeriod + RenewDeadline after its last renewal; others wait LeaseDuration from
        // when they saw it. Stopping first is what keeps two watches from writing at once.
        if (options.RetryPeriod + options.RenewDeadline >= options.LeaseDuration)
            errors.Add($"{LeadershipOptions.Section}: RetryPeriod + RenewDeadline must be shorter than LeaseDuration.");
        if (options.RenewDeadline <= options.RetryPeriod * 1.2)
            errors.Add($"{LeadershipOptions.Section}: RenewDeadline must exceed 1.2 × RetryPeriod (room for a retry).");
        if (!DnsName().IsMatch(options.LeaseName))
            errors.Add($"{LeadershipOptions.Section}:LeaseName must be a DNS subdomain name (lower-case letters, digits, '-', '.').");
        if (options.LeaseNamespace.Length > 0 && (options.LeaseNamespace.Length > 63 || !DnsLabel().IsMatch(options.LeaseNamespace)))
            errors.Add($"{LeadershipOptions.Section}:LeaseNamespace must be a namespace name.");
        if (options.Identity.Length > 253) errors.Add($"{LeadershipOptions.Section}:Identity must be at most 253 characters.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    [GeneratedRegex("^(?=.{1,253}$)[a-z0-9]([a-z0-9.-]*[a-z0-9])?$")]
    private static partial Regex DnsName();

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();
}
