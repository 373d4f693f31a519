using Gatehouse.Contracts;

namespace Gatehouse.Signer;

/// <summary>
/// The signer's own keys in the shared store (under the common prefix). Kept here until the lead moves them into
/// <see cref="StoreKeys"/>; policy reads <see cref="Attestations"/>.
/// </summary>
public static class SignerStoreKeys
{
    /// <summary>Verified attestations of a digest (JSON <see cref="Verification.AttestationSet"/>: predicate type, signer, predicate).</summary>
    public static string Attestations(string digest) => $"{StoreKeys.Prefix}img:{digest}:attestations";

    /// <summary>
    /// Fingerprint of the last published verification of a digest in a repository (artifacts and trust root), so a
    /// redelivered or repeated push with nothing new is not verified and published again.
    /// </summary>
    public static string VerificationFingerprint(string registry, string repository, string digest) =>
        $"{StoreKeys.Prefix}sigv:{registry}/{repository}@{digest}";

    /// <summary>The evidence (SBOM hash, advisory data version) a digest was last signed and attested with on promotion.</summary>
    public static string Promotion(string digest) => $"{StoreKeys.Prefix}promoted:{digest}";
}
