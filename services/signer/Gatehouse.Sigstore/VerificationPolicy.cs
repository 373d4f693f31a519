using System.Text.RegularExpressions;
using Gatehouse.Sigstore.Crypto;

namespace Gatehouse.Sigstore;

/// <summary>What a bundle must prove besides being cryptographically valid: a keyless identity or a known key.</summary>
public abstract class VerificationPolicy
{
    private protected VerificationPolicy()
    {
    }
}

/// <summary>
/// Keyless (Fulcio) policy: the certificate must name an allowed identity (SAN) issued by an allowed OIDC issuer.
/// Both are mandatory, because a policy missing either would accept signatures from anyone.
/// </summary>
public sealed class KeylessPolicy : VerificationPolicy
{
    public KeylessPolicy(IdentityMatcher identity, IdentityMatcher issuer)
    {
        Identity = identity ?? throw new ArgumentNullException(nameof(identity),
            "A keyless policy needs a certificate identity; without one any signer would be accepted.");
        Issuer = issuer ?? throw new ArgumentNullException(nameof(issuer),
            "A keyless policy needs an OIDC issuer; without one any signer would be accepted.");
    }

    public IdentityMatcher Identity { get; }

    public IdentityMatcher Issuer { get; }

    /// <summary>Exact identity and issuer (cosign --certificate-identity / --certificate-oidc-issuer).</summary>
    public static KeylessPolicy ForExact(string identity, string issuer) =>
        new(IdentityMatcher.Exact(identity, nameof(identity)), IdentityMatcher.Exact(issuer, nameof(issuer)));

    public override string ToString() => $"identity {Identity}, issuer {Issuer}";
}

/// <summary>Managed-key policy: the bundle must be signed by this public key (no certificate).</summary>
public sealed class PublicKeyPolicy : VerificationPolicy
{
    private PublicKeyPolicy(VerificationKey key) => Key = key;

    internal VerificationKey Key { get; }

    /// <summary>"sha256:" + hex SHA-256 of the DER SubjectPublicKeyInfo: a stable name for the key in reports.</summary>
    public string KeyId => "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Key.SubjectPublicKeyInfo));

    /// <summary>"ECDSA P-256", "RSA 2048", "Ed25519".</summary>
    public string KeyDescription => Key.Description;

    /// <summary>
    /// Verifies a detached signature over <paramref name="data"/> (cosign simple-signing payloads, DSSE PAE) with the
    /// schemes cosign and other Sigstore clients use for this key type: ECDSA with the curve's hash or SHA-256
    /// (cosign's default for every curve), RSA with PKCS#1 v1.5 or PSS, Ed25519 over the message. Never throws.
    /// </summary>
    public bool VerifySignature(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        var scheme = Key.DefaultScheme;
        if (Key.VerifyData(data, signature, scheme))
        {
            return true;
        }

        return Key.Algorithm switch
        {
            KeyAlgorithm.Rsa => Key.VerifyData(data, signature, scheme with { RsaPss = true }),
            KeyAlgorithm.Ecdsa when scheme.Hash != System.Security.Cryptography.HashAlgorithmName.SHA256 =>
                Key.VerifyData(data, signature, scheme with { Hash = System.Security.Cryptography.HashAlgorithmName.SHA256 }),
            _ => false,
        };
    }

    /// <summary>Parses a PEM "PUBLIC KEY" (ECDSA P-256/P-384/P-521, RSA, Ed25519).</summary>
    /// <exception cref="ArgumentException">The text is not a supported PEM public key.</exception>
    public static PublicKeyPolicy FromPem(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (!PemText.TryDecode(pem, "PUBLIC KEY", out var der))
        {
            throw new ArgumentException("Expected a PEM block of type PUBLIC KEY.", nameof(pem));
        }

        return FromSubjectPublicKeyInfo(der);
    }

    /// <summary>Parses a DER SubjectPublicKeyInfo.</summary>
    /// <exception cref="ArgumentException">The bytes are not a supported public key.</exception>
    public static PublicKeyPolicy FromSubjectPublicKeyInfo(ReadOnlySpan<byte> der)
    {
        if (!VerificationKey.TryFromSubjectPublicKeyInfo(der, out var key, out var error))
        {
            throw new ArgumentException($"Unsupported public key: {error}", nameof(der));
        }

        return new PublicKeyPolicy(key);
    }

    public override string ToString() => $"public key {Key.Description}";
}

/// <summary>Matches a certificate identity or issuer exactly, or against a fully anchored regular expression.</summary>
public sealed class IdentityMatcher
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(200);
    private readonly string? exact;
    private readonly Regex? pattern;

    private IdentityMatcher(string? exact, Regex? pattern, string display)
    {
        this.exact = exact;
        this.pattern = pattern;
        Display = display;
    }

    private string Display { get; }

    /// <exception cref="ArgumentException">The value is empty.</exception>
    public static IdentityMatcher Exact(string value, string? what = null)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException(
                $"The {what ?? "identity"} must not be empty: an empty value would not restrict the signer.",
                what ?? nameof(value));
        }

        return new IdentityMatcher(value, null, $"\"{value}\"");
    }

    /// <summary>
    /// The whole candidate must match (the pattern is wrapped in \A(?:...)\z), so "https://github.com/org/"
    /// cannot be satisfied by "https://evil.example/?https://github.com/org/".
    /// </summary>
    /// <exception cref="ArgumentException">The pattern is empty, invalid, or matches the empty string (accepts anything).</exception>
    public static IdentityMatcher Regex(string pattern, string? what = null)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            throw new ArgumentException($"The {what ?? "identity"} pattern must not be empty.", what ?? nameof(pattern));
        }

        Regex regex;
        try
        {
            regex = new Regex(@"\A(?:" + pattern + @")\z", RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Invalid {what ?? "identity"} pattern '{pattern}': {e.Message}", what ?? nameof(pattern), e);
        }

        if (regex.IsMatch(string.Empty))
        {
            throw new ArgumentException(
                $"The {what ?? "identity"} pattern '{pattern}' matches the empty string and would accept any signer.",
                what ?? nameof(pattern));
        }

        return new IdentityMatcher(null, regex, $"/{pattern}/");
    }

    public bool IsMatch(string candidate)
    {
        if (exact is not null)
        {
            return string.Equals(exact, candidate, StringComparison.Ordinal);
        }

        try
        {
            return pattern!.IsMatch(candidate);
        }
        catch (RegexMatchTimeoutException)
        {
            // A pathological candidate is treated as a mismatch rather than an error.
            return false;
        }
    }

    public override string ToString() => Display;
}
