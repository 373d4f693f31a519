using System.Security.Cryptography;
using Gatehouse.Contracts.Decisions;
using Gatehouse.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace Gatehouse.Admission.Decisions;

/// <summary>
/// The MAC key shared by policy (which signs decision records) and admission (which verifies them), section
/// <c>Gatehouse:Decisions</c>: <c>MacKey</c> (base64, at least 32 bytes) or <c>MacKeyFile</c> (a mounted Secret
/// holding the base64 key). Required with Redis; without it (one process, in-memory store) a random key is made
/// once per process and shared by every service in it.
/// </summary>
public sealed class DecisionKeyOptions
{
    public const string Section = "Gatehouse:Decisions";

    public string? MacKey { get; set; }

    public string? MacKeyFile { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(MacKey) || !string.IsNullOrWhiteSpace(MacKeyFile);

    /// <summary>The key bytes, or null with the reason they cannot be read.</summary>
    public byte[]? ReadKey(out string? error)
    {
        error = null;
        string? text = MacKey;
        if (string.IsNullOrWhiteSpace(text) && !string.IsNullOrWhiteSpace(MacKeyFile))
        {
            try
            {
                text = File.ReadAllText(MacKeyFile);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                error = $"{Section}:MacKeyFile '{MacKeyFile}' cannot be read: {ex.Message}";
                return null;
            }
        }
        if (string.IsNullOrWhiteSpace(text)) return null;
        byte[] key;
        try
        {
            key = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException)
        {
            error = $"{Section}: the MAC key is not base64";
            return null;
        }
        if (key.Length < 32) error = $"{Section}: the MAC key has {key.Length} bytes; at least 32 are required";
        return error is null ? key : null;
    }

    /// <summary>The configured key, or (in-process store only) a fresh random one.</summary>
    public static DecisionMac CreateMac(DecisionKeyOptions options) =>
        new(options.ReadKey(out var error) ?? (error is null ? RandomNumberGenerator.GetBytes(32) : throw new InvalidOperationException(error)));
}

internal sealed class DecisionKeyOptionsValidator(IOptions<GatehouseOptions> gatehouse) : IValidateOptions<DecisionKeyOptions>
{
    public ValidateOptionsResult Validate(string? name, DecisionKeyOptions options)
    {
        if (options.IsConfigured)
        {
            options.ReadKey(out var error);
            return error is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(error);
        }
        return gatehouse.Value.UsesRedis
            ? ValidateOptionsResult.Fail($"{DecisionKeyOptions.Section}:MacKey (or MacKeyFile) is required with Redis: " +
                                         "policy signs decision records with it and admission trusts only records it verifies.")
            : ValidateOptionsResult.Success;
    }
}
