using System.Text.Json;
using Gatehouse.Contracts.Messages;
using Gatehouse.Signer.Authorities;
using Gatehouse.Signer.Discovery;

namespace Gatehouse.Signer.Verification;

/// <summary>A verified attestation as stored for policy: who signed it, under which authority, and its predicate.</summary>
public sealed record AttestationRecord(
    string Artifact, string Authority, VerifiedSigner Signer, string PredicateType, string StatementType, JsonElement Predicate);

/// <summary>Verified attestations of one digest (stored under <see cref="SignerStoreKeys.Attestations"/>).</summary>
public sealed record AttestationSet(string Digest, string TrustRootVersion, IReadOnlyList<AttestationRecord> Attestations, DateTimeOffset VerifiedAt);

/// <summary>What verifying every entry of an image against every authority established.</summary>
public sealed record ImageVerification(SignaturesVerified Result, AttestationSet Attestations);

/// <summary>
/// Verifies every discovered entry against every configured authority. An entry counts when at least one authority
/// accepts it; otherwise each applicable authority's reason is reported (or one "no applicable authority" failure).
/// Pure and synchronous: the same inputs give the same result, so redelivery recomputes the same answer.
/// </summary>
public sealed class ImageSignatureVerifier(SignatureFormatVerifiers formats, TrustAuthorities authorities, TimeProvider time)
{
    public TrustAuthorities Authorities => authorities;

    public ImageVerification Verify(string digest, LoadedSignatures loaded, int artifactsFound)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        var signers = new List<VerifiedSigner>();
        var failures = new List<SignatureFailure>(loaded.Problems);
        var attestations = new List<AttestationRecord>();
        foreach (var entry in loaded.Entries)
        {
            var format = formats.For(entry);
            if (format is null)
            {
                failures.Add(new SignatureFailure(entry.Artifact, "unsupported-format", $"no verifier handles layers of media type '{entry.MediaType}'"));
                continue;
            }

            if (authorities.All.Count == 0)
            {
                failures.Add(new SignatureFailure(entry.Artifact, "no-authority", "no trust authority is configured (Gatehouse:Signer:Authorities)"));
                continue;
            }

            var outcomes = authorities.All.Select(a => (Authority: a, Outcome: VerifySafely(format, entry, digest, a))).ToList();
            var verified = outcomes.Where(o => o.Outcome.IsVerified).ToList();
            foreach (var (authority, outcome) in verified)
            {
                signers.Add(outcome.Signer!);
                if (outcome.Attestation is { } attestation)
                {
                    attestations.Add(new AttestationRecord(entry.Artifact, authority.Name, outcome.Signer!, attestation.PredicateType,
                        attestation.StatementType, attestation.Predicate));
                }
            }

            if (verified.Count > 0) continue;
            var applicable = outcomes.Where(o => o.Outcome.Applicable).ToList();
            foreach (var (authority, outcome) in applicable.Count > 0 ? applicable : outcomes.Take(1))
            {
                var reason = applicable.Count > 0 ? $"{authority.Name}: {outcome.FailureReason}" : $"no authority applies: {outcome.FailureReason}";
                failures.Add(new SignatureFailure(entry.Artifact, outcome.FailureCode!, reason));
            }
        }

        var now = time.GetUtcNow();
        var distinct = signers
            .GroupBy(s => (s.Kind, s.Issuer, s.Subject, s.KeyId, s.ArtifactKind))
            .Select(g => g.OrderBy(s => s.SignedAt ?? DateTimeOffset.MaxValue).First())
            .ToList();
        var result = new SignaturesVerified(digest, distinct, failures, artifactsFound, authorities.Version, now);
        return new ImageVerification(result, new AttestationSet(digest, authorities.Version, attestations, now));
    }

    /// <summary>Plugins promise not to throw; a bug in one still becomes a reported failure, never a lost message.</summary>
    private static EntryVerification VerifySafely(ISignatureFormatVerifier format, SignatureEntry entry, string digest, TrustAuthority authority)
    {
        try
        {
            return format.Verify(entry, digest, authority);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return EntryVerification.Failed("verification-error", $"{format.Name}@{format.Version} failed: {e.GetType().Name}: {e.Message}");
        }
    }
}
