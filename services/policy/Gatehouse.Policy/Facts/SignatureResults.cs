using Gatehouse.Contracts.Messages;

namespace Gatehouse.Policy.Facts;

/// <summary>
/// One digest's signature results, one per repository it was pushed to, as the single result a decision uses. A
/// signature is made over the digest, so where it is stored does not change what it proves: the signers are the
/// union. The trust material that counts is the current one (what decisions are judged against) when some result was
/// verified under it, else the newest result's.
/// </summary>
public static class SignatureResults
{
    /// <summary><c>registry/repository</c> the signatures were looked up in; null for a result without its source.</summary>
    public static string? SourceOf(SignaturesVerified result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return string.IsNullOrEmpty(result.Registry) || string.IsNullOrEmpty(result.Repository) ? null : $"{result.Registry}/{result.Repository}";
    }

    /// <summary>
    /// The merged result: null for none, the result itself for one. Results under the current trust material count;
    /// results under older material are stale (their repository was not verified again since) and count only when the
    /// current ones establish no signer at all: then the newest older verdict with signers stands, under its own trust
    /// root, so a decision made on it is not current (admission treats it as unknown, as for a digest not verified again
    /// at all) rather than a deny for a missing signature.
    /// </summary>
    public static SignaturesVerified? Merge(IReadOnlyList<SignaturesVerified> results, string? currentTrustRoot = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count <= 1) return results.Count == 0 ? null : results[0];
        var newest = results.MaxBy(r => r.VerifiedAt)!;
        var root = !string.IsNullOrEmpty(currentTrustRoot) && results.Any(r => r.TrustRootVersion == currentTrustRoot) ? currentTrustRoot : newest.TrustRootVersion;
        if (!results.Any(r => r.TrustRootVersion == root && r.Signers.Count > 0)
            && results.Where(r => r.TrustRootVersion != root && r.Signers.Count > 0).MaxBy(r => r.VerifiedAt) is { } stale)
            root = stale.TrustRootVersion;
        var counted = results.Where(r => r.TrustRootVersion == root).OrderBy(r => SourceOf(r) ?? "", StringComparer.Ordinal).ToList();
        return new SignaturesVerified(newest.Digest, [.. counted.SelectMany(r => r.Signers).DistinctBy(Identity)], [.. counted.SelectMany(r => r.Failures).Distinct()],
            counted.Sum(r => r.ArtifactsFound), root, counted.Max(r => r.VerifiedAt));
    }

    /// <summary>Who signed what, whatever copy of the signature it was read from (the time of signing aside).</summary>
    private static (string, string?, string?, string?, string) Identity(VerifiedSigner signer) =>
        (signer.Kind, signer.Issuer, signer.Subject, signer.KeyId, signer.ArtifactKind);
}
