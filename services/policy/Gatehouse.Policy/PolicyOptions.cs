using Gatehouse.Contracts.Decisions;
using Microsoft.Extensions.Options;

namespace Gatehouse.Policy;

public enum PolicySourceKind { Auto, Files, Kubernetes }

/// <summary>Where policies come from (section <c>Gatehouse:Policy</c>).</summary>
public sealed class PolicyOptions
{
    public const string Section = "Gatehouse:Policy";

    /// <summary>
    /// Policy files or folders (YAML/JSON, multi-document). Empty outside a cluster: the built-in example
    /// profiles <c>prod</c> and <c>dev</c> (the embedded default).
    /// </summary>
    public List<string> Files { get; set; } = [];

    /// <summary>auto: Kubernetes when running in a cluster, else files.</summary>
    public PolicySourceKind Source { get; set; } = PolicySourceKind.Auto;

    /// <summary>Quiet time after a file change before reloading (editors write files in several steps).</summary>
    public TimeSpan ReloadDelay { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Wait before re-listing after the Kubernetes watch fails.</summary>
    public TimeSpan WatchRetryDelay { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>The decision cache (section <c>Gatehouse:Decisions</c>).</summary>
public sealed class DecisionOptions
{
    public const string Section = "Gatehouse:Decisions";

    /// <summary>
    /// Base64 of at least 32 random bytes, shared with admission only (e.g. <c>openssl rand -base64 32</c>).
    /// Required with Redis; with the in-process store (one process) a random key is generated when unset.
    /// </summary>
    public string MacKey { get; set; } = "";

    public byte[] MacKeyBytes() => Convert.FromBase64String(MacKey);

    /// <summary>A fresh key, for one-process runs (demo) where policy and admission share the configuration.</summary>
    public static string GenerateMacKey() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
}

internal sealed class PolicyOptionsValidator : IValidateOptions<PolicyOptions>
{
    public ValidateOptionsResult Validate(string? name, PolicyOptions options)
    {
        var errors = new List<string>();
        if (options.Files.Any(string.IsNullOrWhiteSpace))
            errors.Add($"{PolicyOptions.Section}:Files has an empty entry.");
        if (options.ReloadDelay < TimeSpan.Zero || options.ReloadDelay > TimeSpan.FromMinutes(1))
            errors.Add($"{PolicyOptions.Section}:ReloadDelay must be between 0 and 1 minute.");
        if (options.WatchRetryDelay <= TimeSpan.Zero)
            errors.Add($"{PolicyOptions.Section}:WatchRetryDelay must be positive.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

internal sealed class DecisionOptionsValidator : IValidateOptions<DecisionOptions>
{
    public ValidateOptionsResult Validate(string? name, DecisionOptions options)
    {
        const string hint = " Generate one with `openssl rand -base64 32` and give the same key to policy and admission.";
        if (string.IsNullOrWhiteSpace(options.MacKey))
            return ValidateOptionsResult.Fail($"{DecisionOptions.Section}:MacKey is required (base64, at least 32 bytes).{hint}");
        try
        {
            var length = options.MacKeyBytes().Length;
            return length >= 32 ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"{DecisionOptions.Section}:MacKey decodes to {length} bytes; at least 32 are required.{hint}");
        }
        catch (FormatException)
        {
            return ValidateOptionsResult.Fail($"{DecisionOptions.Section}:MacKey is not valid base64.{hint}");
        }
    }
}

/// <summary>The MAC of the decision cache, built once from validated options.</summary>
internal static class DecisionMacFactory
{
    public static DecisionMac Create(IOptions<DecisionOptions> options) => new(options.Value.MacKeyBytes());
}
