using Gatehouse.Sigstore;

namespace Gatehouse.Signer.Authorities;

/// <summary>A loaded trust policy: what a signature must prove to count, and the trust material it is checked against.</summary>
public sealed class TrustAuthority
{
    private TrustAuthority(string name, VerificationPolicy policy, SigstoreVerifier? verifier, byte[] material)
    {
        Name = name;
        Policy = policy;
        Verifier = verifier;
        TrustMaterial = material;
    }

    public string Name { get; }

    /// <summary><see cref="KeylessPolicy"/> or <see cref="PublicKeyPolicy"/>.</summary>
    public VerificationPolicy Policy { get; }

    public bool IsKeyless => Policy is KeylessPolicy;

    /// <summary>The Sigstore verifier over this authority's trusted root; null for a key without a trusted root.</summary>
    public SigstoreVerifier? Verifier { get; }

    /// <summary>Bytes that define what this authority trusts (policy text, key, trusted root), for the trust-root version.</summary>
    internal byte[] TrustMaterial { get; }

    public static TrustAuthority Keyless(string name, KeylessPolicy policy, TrustedRoot root, byte[] rootBytes) =>
        new(name, policy, new SigstoreVerifier(root), Material($"keyless\n{name}\n{policy}\n", rootBytes));

    public static TrustAuthority Key(string name, PublicKeyPolicy policy, TrustedRoot? root, byte[]? rootBytes) =>
        new(name, policy, root is null ? null : new SigstoreVerifier(root), Material($"key\n{name}\n{policy.KeyId}\n", rootBytes ?? []));

    private static byte[] Material(string description, byte[] root) => [.. System.Text.Encoding.UTF8.GetBytes(description), .. root];

    public override string ToString() => $"{Name} ({Policy})";
}
