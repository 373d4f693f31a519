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
    /// The merged result: null for none, the result itself for one. A signer known only from a result under other
    /// trust material is neither confirmed nor ruled out until its repository is verified again: it stays in, and the
    /// merged result keeps that older trust root, so a decision made on it is not current (admission treats it as
    /// unknown, as for a digest not verified again at all) rather than a deny for a missing signature.
    /// </summary>
    public static SignaturesVerified? Merge(IReadOnlyList<SignaturesVerified> results, string? currentTrustRoot = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count <= 1) return results.Count == 0 ? null : results[0];
        var newest = results.MaxBy(r => r.VerifiedAt)!;
        var root = !string.IsNullOrEmpty(currentTrustRoot) && results.Any(r => r.TrustRootVersion == currentTrustRoot) ? currentTrustRoot : newest.TrustRootVersion;
        var ordered = results.OrderBy(r => SourceOf(r) ?? "", StringComparer.Ordinal).ToList();
        var current = ordered.Where(r => r.TrustRootVersion == root).ToList();
        var signers = current.SelectMany(r => r.Signers).DistinctBy(Identity).ToList();
        var unconfirmed = ordered.Where(r => r.TrustRootVersion != root)
            .SelectMany(r => r.Signers.Where(s => !signers.Any(held => Identity(held) == Identity(s))).Select(s => (Result: r, Signer: s)))
            .ToList();
        var trustRoot = root;
        if (unconfirmed.Count > 0)
        {
            signers.AddRange(unconfirmed.Select(u => u.Signer).DistinctBy(Identity));
            trustRoot = unconfirmed.MaxBy(u => u.Result.VerifiedAt).Result.TrustRootVersion;
        }
        return new SignaturesVerified(newest.Digest, signers, [.. current.SelectMany(r => r.Failures).Distinct()],
            current.Sum(r => r.ArtifactsFound), trustRoot, newest.VerifiedAt);
    }

    /// <summary>Who signed what, whatever copy of the signature it was read from (the time of signing aside).</summary>
    private static (string, string?, string?, string?, string) Identity(VerifiedSigner signer) =>
        (signer.Kind, signer.Issuer, signer.Subject, signer.KeyId, signer.ArtifactKind);
}
