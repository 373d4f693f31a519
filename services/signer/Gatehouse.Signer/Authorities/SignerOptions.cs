namespace Gatehouse.Signer.Authorities;

/// <summary>The signer's settings (section <c>Gatehouse:Signer</c>).</summary>
public sealed class SignerOptions
{
    public const string Section = "Gatehouse:Signer";

    /// <summary>Trust policies by name (<c>Gatehouse:Signer:Authorities:&lt;name&gt;</c>); every signature is checked against each.</summary>
    public Dictionary<string, AuthorityOptions> Authorities { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How promoted images are signed (<c>Gatehouse:Signer:Signing</c>).</summary>
    public SigningOptions Signing { get; set; } = new();
}

/// <summary>One trust policy: exactly one of <see cref="Keyless"/> or <see cref="Key"/>.</summary>
public sealed class AuthorityOptions
{
    public KeylessAuthorityOptions? Keyless { get; set; }

    public KeyAuthorityOptions? Key { get; set; }
}

/// <summary>
/// Fulcio certificates from an expected identity and OIDC issuer. Identity and issuer are both mandatory (exact or
/// anchored regular expression): a policy without either would accept signatures from anyone.
/// </summary>
public sealed class KeylessAuthorityOptions
{
    /// <summary>Certificate SAN, exact (e.g. a workflow URI or an email address).</summary>
    public string? Identity { get; set; }

    /// <summary>Certificate SAN as a fully anchored regular expression.</summary>
    public string? IdentityRegex { get; set; }

    /// <summary>OIDC issuer (Fulcio extension 1.3.6.1.4.1.57264.1.8), exact.</summary>
    public string? Issuer { get; set; }

    public string? IssuerRegex { get; set; }

    /// <summary>Path of a Sigstore trusted_root.json (public good or a private instance). Required: no root is built in.</summary>
    public string? TrustedRoot { get; set; }
}

/// <summary>A managed public key (PEM): ECDSA P-256/P-384, RSA (PKCS#1 v1.5 or PSS) or Ed25519.</summary>
public sealed class KeyAuthorityOptions
{
    public string? PublicKeyPem { get; set; }

    public string? PublicKeyPath { get; set; }

    /// <summary>Optional trusted_root.json; needed only to verify Sigstore bundles (which carry a transparency log entry).</summary>
    public string? TrustedRoot { get; set; }
}

/// <summary>
/// The key promoted images are signed with: from a secret store through the Dapr sidecar when
/// <see cref="SecretStore"/> is set, else from the mounted file <see cref="KeyPath"/>. PEM, PKCS#8 or SEC 1, ECDSA P-256.
/// </summary>
public sealed class SigningOptions
{
    public string? KeyPath { get; set; }

    /// <summary>Dapr secret store component name.</summary>
    public string? SecretStore { get; set; }

    /// <summary>Secret name in that store.</summary>
    public string? SecretName { get; set; }

    /// <summary>Key inside the secret's value map; defaults to <see cref="SecretName"/> (what most stores return).</summary>
    public string? SecretKey { get; set; }

    /// <summary>The sidecar's gRPC endpoint; defaults to what the Dapr SDK finds (DAPR_GRPC_ENDPOINT / DAPR_GRPC_PORT).</summary>
    public string? DaprGrpcEndpoint { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(SecretStore) || !string.IsNullOrWhiteSpace(KeyPath);

    public bool UsesDapr => !string.IsNullOrWhiteSpace(SecretStore);
}
