using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Gatehouse.Sigstore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Signer.Authorities;

/// <summary>
/// Every configured trust policy, loaded once at start-up and shared. <see cref="Version"/> is a content hash of all
/// trust material (policies, keys, trusted roots), so a verification result names exactly what it was checked against.
/// </summary>
public sealed class TrustAuthorities
{
    private TrustAuthorities(IReadOnlyList<TrustAuthority> all)
    {
        All = all;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (var authority in all)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, authority.TrustMaterial.Length);
            hash.AppendData(length);
            hash.AppendData(authority.TrustMaterial);
        }

        Version = "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public IReadOnlyList<TrustAuthority> All { get; }

    public string Version { get; }

    public static TrustAuthorities Create(IEnumerable<TrustAuthority> authorities) =>
        new([.. authorities.OrderBy(a => a.Name, StringComparer.Ordinal)]);

    /// <exception cref="OptionsValidationException">A policy is incomplete or its trust material does not load.</exception>
    public static TrustAuthorities Load(SignerOptions options) =>
        TryLoad(options, out var authorities, out var errors)
            ? authorities
            : throw new OptionsValidationException(SignerOptions.Section, typeof(SignerOptions), errors);

    public static bool TryLoad(SignerOptions options, [NotNullWhen(true)] out TrustAuthorities? authorities, out List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        errors = [];
        var loaded = new List<TrustAuthority>();
        foreach (var (name, authority) in options.Authorities)
        {
            var path = $"{SignerOptions.Section}:Authorities:{name}";
            if ((authority.Keyless is null) == (authority.Key is null))
            {
                errors.Add($"{path} must have exactly one of Keyless or Key.");
                continue;
            }

            var result = authority.Keyless is { } keyless ? LoadKeyless(name, path + ":Keyless", keyless, errors) : LoadKey(name, path + ":Key", authority.Key!, errors);
            if (result is not null)
            {
                loaded.Add(result);
            }
        }

        authorities = errors.Count == 0 ? Create(loaded) : null;
        return authorities is not null;
    }

    private static TrustAuthority? LoadKeyless(string name, string path, KeylessAuthorityOptions options, List<string> errors)
    {
        var identity = Matcher(options.Identity, options.IdentityRegex, path, "Identity", "certificate identity", errors);
        var issuer = Matcher(options.Issuer, options.IssuerRegex, path, "Issuer", "OIDC issuer", errors);
        if (identity is null || issuer is null)
        {
            if (string.IsNullOrWhiteSpace(options.Identity + options.IdentityRegex) || string.IsNullOrWhiteSpace(options.Issuer + options.IssuerRegex))
            {
                errors.Add($"{path} needs both a certificate identity (Identity or IdentityRegex) and an OIDC issuer (Issuer or IssuerRegex): " +
                    "a keyless policy without either would accept signatures from anyone.");
            }

            return null;
        }

        if (string.IsNullOrWhiteSpace(options.TrustedRoot))
        {
            errors.Add($"{path}:TrustedRoot is required (the path of a Sigstore trusted_root.json; none is built in).");
            return null;
        }

        return LoadRoot(options.TrustedRoot, path + ":TrustedRoot", errors) is { } root
            ? TrustAuthority.Keyless(name, new KeylessPolicy(identity, issuer), root.Root, root.Bytes)
            : null;
    }

    private static TrustAuthority? LoadKey(string name, string path, KeyAuthorityOptions options, List<string> errors)
    {
        var hasPem = !string.IsNullOrWhiteSpace(options.PublicKeyPem);
        if (hasPem == !string.IsNullOrWhiteSpace(options.PublicKeyPath))
        {
            errors.Add($"{path} needs exactly one of PublicKeyPem or PublicKeyPath.");
            return null;
        }

        string pem;
        try
        {
            pem = hasPem ? options.PublicKeyPem! : File.ReadAllText(options.PublicKeyPath!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add($"{path}:PublicKeyPath '{options.PublicKeyPath}' cannot be read: {e.Message}");
            return null;
        }

        PublicKeyPolicy policy;
        try
        {
            policy = PublicKeyPolicy.FromPem(pem);
        }
        catch (ArgumentException e)
        {
            errors.Add($"{path}: not a supported PEM public key (ECDSA, RSA or Ed25519): {e.Message}");
            return null;
        }

        if (string.IsNullOrWhiteSpace(options.TrustedRoot))
        {
            return TrustAuthority.Key(name, policy, null, null);
        }

        return LoadRoot(options.TrustedRoot, path + ":TrustedRoot", errors) is { } root ? TrustAuthority.Key(name, policy, root.Root, root.Bytes) : null;
    }

    private static IdentityMatcher? Matcher(string? exact, string? regex, string path, string field, string what, List<string> errors)
    {
        var hasExact = !string.IsNullOrWhiteSpace(exact);
        var hasRegex = !string.IsNullOrWhiteSpace(regex);
        if (hasExact && hasRegex)
        {
            errors.Add($"{path}: give {field} or {field}Regex, not both.");
            return null;
        }

        try
        {
            return hasExact ? IdentityMatcher.Exact(exact!, what) : hasRegex ? IdentityMatcher.Regex(regex!, what) : null;
        }
        catch (ArgumentException e)
        {
            errors.Add($"{path}:{field}{(hasRegex ? "Regex" : "")}: {e.Message}");
            return null;
        }
    }

    private static (TrustedRoot Root, byte[] Bytes)? LoadRoot(string file, string path, List<string> errors)
    {
        try
        {
            var bytes = File.ReadAllBytes(file);
            return (TrustedRoot.Parse(bytes), bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or TrustedRootFormatException)
        {
            errors.Add($"{path} '{file}' is not a usable trusted root: {e.Message}");
            return null;
        }
    }
}

/// <summary>Start-up validation of <see cref="SignerOptions"/>: every authority loads, and signing is configured one way only.</summary>
public sealed class SignerOptionsValidator : IValidateOptions<SignerOptions>
{
    public ValidateOptionsResult Validate(string? name, SignerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        TrustAuthorities.TryLoad(options, out _, out var errors);
        var signing = options.Signing;
        var path = SignerOptions.Section + ":Signing";
        if (signing.UsesDapr && !string.IsNullOrWhiteSpace(signing.KeyPath))
        {
            errors.Add($"{path}: give SecretStore (Dapr) or KeyPath (mounted file), not both.");
        }

        if (signing.UsesDapr && string.IsNullOrWhiteSpace(signing.SecretName))
        {
            errors.Add($"{path}:SecretName is required with SecretStore.");
        }

        if (signing.DaprGrpcEndpoint is { Length: > 0 } endpoint && !Uri.TryCreate(endpoint, UriKind.Absolute, out _))
        {
            errors.Add($"{path}:DaprGrpcEndpoint '{endpoint}' is not an absolute URI.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
