using Gatehouse.Contracts.Messages;

namespace Gatehouse.Policy.Facts;

/// <summary>
/// One digest's signature results, one per repository it was pushed to, as the single result a decision uses. A
/// signature is made over the digest, so where it is stored does not change what it proves: the signers are the
/// union. Only results verified under the newest trust material count: an older one may hold a signer that the newer
/// material no longer trusts (a removed key or identity), and keeping it would let a stale verdict outlive the change.
/// </summary>
public static class SignatureResults
{
    /// <summary><c>registry/repository</c> the signatures were looked up in; null for a result without its source.</summary>
    public static string? SourceOf(SignaturesVerified result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return string.IsNullOrEmpty(result.Registry) || string.IsNullOrEmpty(result.Repository) ? null : $"{result.Registry}/{result.Repository}";
    }

    /// <summary>The merged result: null for none, the result itself for one.</summary>
    public static SignaturesVerified? Merge(IReadOnlyList<SignaturesVerified> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count <= 1) return results.Count == 0 ? null : results[0];
        var newest = results.MaxBy(r => r.VerifiedAt)!;
        var current = results.Where(r => string.Equals(r.TrustRootVersion, newest.TrustRootVersion, StringComparison.Ordinal))
            .OrderBy(r => SourceOf(r) ?? "", StringComparer.Ordinal).ToList();
        if (current.Count == 1) return newest;
        return new SignaturesVerified(
            newest.Digest,
            [.. current.SelectMany(r => r.Signers).Distinct()],
            [.. current.SelectMany(r => r.Failures).Distinct()],
            current.Sum(r => r.ArtifactsFound),
            newest.TrustRootVersion,
            newest.VerifiedAt);
    }
}
