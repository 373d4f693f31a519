using Microsoft.Extensions.Options;

namespace Gatehouse.Admission;

/// <summary>Settings of the admission webhook (section <c>Gatehouse:Admission</c>).</summary>
public sealed class AdmissionOptions
{
    public const string Section = "Gatehouse:Admission";

    /// <summary>Every answer is given within this time; the API server's webhook timeout should be larger.</summary>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How old an L1 entry may be, counted from when it was last known current, to answer while Redis is unavailable.</summary>
    public TimeSpan MaxStaleness { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Even while pub/sub is connected, an L1 entry is re-read from Redis after this long: pub/sub delivers
    /// at most once, so a lost invalidation must not keep a stale answer for ever.
    /// </summary>
    public TimeSpan L1MaxAge { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a tag → digest resolution is reused (the registry-watcher does not announce tag moves).</summary>
    public TimeSpan TagCacheTtl { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Entries the L1 may hold before it is cleared (a bound on memory, not a tuning knob).</summary>
    public int L1Capacity { get; set; } = 200_000;

    /// <summary>Largest AdmissionReview accepted (the API server's own object limit is about 3 MiB).</summary>
    public int MaxRequestBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>A digest is asked to be scanned at most once per window (controllers retry denied pods).</summary>
    public TimeSpan ScanRequestWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// An admitted workload is reported to the runtime inventory at most once per window with the same images
    /// (controllers re-admit on every status change); zero turns the inventory feed off. Must stay well below the
    /// inventory's AdmittedTtl, since a re-report is what keeps an admitted workload counted as running.
    /// </summary>
    public TimeSpan InventoryFeedWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Profile for namespaces that no ImagePolicy selects; empty (the default): such namespaces are not governed.
    /// A name no policy defines gets a strict built-in profile (enforce, deny unknown, fail closed).
    /// </summary>
    public string DefaultProfile { get; set; } = "";

    /// <summary>Synthetic dry-run reviews run at start (readiness waits for them, at most 5 s); 0 turns warm-up off.</summary>
    public int WarmupRounds { get; set; } = 50;

    /// <summary>Namespace labels when not watched from the API server: <c>Namespaces:&lt;ns&gt;:Labels:&lt;key&gt;</c>.</summary>
    public Dictionary<string, NamespaceOptions> Namespaces { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// How long a request for a namespace the watch has not delivered yet waits for it (within the deadline)
    /// before its profile is chosen from the namespace name alone.
    /// </summary>
    public TimeSpan UnknownNamespaceWait { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Watch Namespaces with the in-cluster service account (default: only when running in a cluster).</summary>
    public bool? WatchNamespaces { get; set; }

    /// <summary>
    /// Users that create objects on behalf of an owner that was admitted (controllers in kube-system): a
    /// break-glass on such an object was already checked against the person who created the owner.
    /// </summary>
    public List<string> TrustedControllerUserPrefixes { get; set; } = ["system:serviceaccount:kube-system:"];

    public TlsOptions Tls { get; set; } = new();
}

public sealed class NamespaceOptions
{
    public Dictionary<string, string> Labels { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>PEM certificate and key mounted from a Secret; both reloaded when either file changes.</summary>
public sealed class TlsOptions
{
    public string? CertFile { get; set; }

    public string? KeyFile { get; set; }

    /// <summary>Port Kestrel serves HTTPS on when TLS is configured.</summary>
    public int Port { get; set; } = 8443;

    public bool Enabled => !string.IsNullOrWhiteSpace(CertFile);
}

internal sealed class AdmissionOptionsValidator : IValidateOptions<AdmissionOptions>
{
    public ValidateOptionsResult Validate(string? name, AdmissionOptions o)
    {
        var errors = new List<string>();
        if (o.Deadline < TimeSpan.FromMilliseconds(10) || o.Deadline > TimeSpan.FromSeconds(29))
            errors.Add($"{AdmissionOptions.Section}:Deadline must be between 10 ms and 29 s (the API server allows at most 30 s); was {o.Deadline}.");
        if (o.MaxStaleness < TimeSpan.Zero || o.L1MaxAge <= TimeSpan.Zero || o.TagCacheTtl < TimeSpan.Zero || o.ScanRequestWindow < TimeSpan.Zero
            || o.UnknownNamespaceWait < TimeSpan.Zero || o.InventoryFeedWindow < TimeSpan.Zero)
            errors.Add($"{AdmissionOptions.Section}: MaxStaleness, TagCacheTtl, ScanRequestWindow, InventoryFeedWindow and UnknownNamespaceWait must not be negative and L1MaxAge must be positive.");
        if (o.WarmupRounds is < 0 or > 10_000)
            errors.Add($"{AdmissionOptions.Section}:WarmupRounds must be between 0 and 10000.");
        if (o.L1Capacity < 100)
            errors.Add($"{AdmissionOptions.Section}:L1Capacity must be at least 100 (was {o.L1Capacity}).");
        if (o.MaxRequestBytes is < 64 * 1024 or > 64 * 1024 * 1024)
            errors.Add($"{AdmissionOptions.Section}:MaxRequestBytes must be between 64 KiB and 64 MiB.");
        if (o.DefaultProfile.Length > 0 && (o.DefaultProfile.Length > 63 || !o.DefaultProfile.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
            errors.Add($"{AdmissionOptions.Section}:DefaultProfile '{o.DefaultProfile}' is not a profile name (a DNS label) or empty.");
        if (o.Tls.Enabled && string.IsNullOrWhiteSpace(o.Tls.KeyFile))
            errors.Add($"{AdmissionOptions.Section}:Tls:KeyFile is required with Tls:CertFile.");
        if (o.Tls.Enabled && o.Tls.Port is < 1 or > 65535)
            errors.Add($"{AdmissionOptions.Section}:Tls:Port must be between 1 and 65535.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
