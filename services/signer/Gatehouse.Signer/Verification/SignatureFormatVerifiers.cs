using Gatehouse.Signer.Discovery;

namespace Gatehouse.Signer.Verification;

/// <summary>
/// The signature-format plugins, listed once. Names must be unique: a duplicate is rejected when the registry is
/// built, which the service does at start-up.
/// </summary>
public sealed class SignatureFormatVerifiers
{
    public SignatureFormatVerifiers(IEnumerable<ISignatureFormatVerifier> verifiers)
    {
        ArgumentNullException.ThrowIfNull(verifiers);
        All = [.. verifiers];
        var duplicates = All.GroupBy(v => v.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
        {
            throw new InvalidOperationException($"signature format verifiers must have unique names; duplicated: {string.Join(", ", duplicates)}");
        }
    }

    /// <summary>Every built-in format: cosign signatures, cosign attestations, Sigstore bundles.</summary>
    public static IReadOnlyList<ISignatureFormatVerifier> BuiltIn { get; } =
    [
        new CosignSignatureVerifier(),
        new CosignAttestationVerifier(),
        new SigstoreBundleVerifier(),
    ];

    public IReadOnlyList<ISignatureFormatVerifier> All { get; }

    /// <summary>"name@version" of every plugin, for logs and reports.</summary>
    public string Describe() => string.Join(", ", All.Select(v => $"{v.Name}@{v.Version}"));

    public ISignatureFormatVerifier? For(SignatureEntry entry) => All.FirstOrDefault(v => v.Handles(entry));
}
