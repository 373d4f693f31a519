using Microsoft.Extensions.Options;

namespace Gatehouse.RegistryWatcher;

/// <summary>Settings of the push-notification receiver (section <c>Gatehouse:RegistryWatcher</c>).</summary>
public sealed class RegistryWatcherOptions
{
    public const string Section = "Gatehouse:RegistryWatcher";

    /// <summary>Token the registry sends as <c>Authorization: Bearer &lt;token&gt;</c>. Required.</summary>
    public string BearerToken { get; set; } = "";

    /// <summary>Largest envelope accepted; Distribution sends one event per envelope in practice.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>How long an event id is remembered (the registry redelivers with the same id).</summary>
    public TimeSpan EventIdRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Repeats of the same (repository, digest, tag) within this window publish nothing.</summary>
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Bound on publishing to the broker; past it the request answers 503 so the registry redelivers. Keep it
    /// below the registry endpoint's own timeout, so the registry hears the 503 instead of timing out.
    /// </summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>How long a tag → digest mapping is kept (refreshed on every push of the tag).</summary>
    public TimeSpan TagMapRetention { get; set; } = TimeSpan.FromDays(30);
}

internal sealed class RegistryWatcherOptionsValidator : IValidateOptions<RegistryWatcherOptions>
{
    public ValidateOptionsResult Validate(string? name, RegistryWatcherOptions o)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(o.BearerToken) || o.BearerToken.Length < 16)
            errors.Add("Gatehouse:RegistryWatcher:BearerToken must be set to a secret of at least 16 characters " +
                       "(the registry's notification endpoint sends it as 'Authorization: Bearer <token>').");
        if (o.MaxBodyBytes is < 1024 or > 64 * 1024 * 1024)
            errors.Add("Gatehouse:RegistryWatcher:MaxBodyBytes must be between 1 KiB and 64 MiB.");
        if (o.PublishTimeout <= TimeSpan.Zero || o.DuplicateWindow < TimeSpan.Zero || o.EventIdRetention <= TimeSpan.Zero)
            errors.Add("Gatehouse:RegistryWatcher time spans must be positive.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
