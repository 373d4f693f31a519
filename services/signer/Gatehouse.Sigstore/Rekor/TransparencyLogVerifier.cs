using System.Globalization;
using System.Text;
using Gatehouse.Sigstore.Bundles;
using Gatehouse.Sigstore.Trust;

namespace Gatehouse.Sigstore.Rekor;

/// <summary>What one verified tlog entry proves: which log holds it and, for Rekor v1, when it was integrated.</summary>
internal sealed record VerifiedLogEntry(TransparencyLogEntry Entry, TrustedLog Log, DateTimeOffset? IntegratedTime);

/// <summary>
/// Offline verification of one tlog entry: the body matches the bundle, the signed entry timestamp (SET) verifies,
/// and the inclusion proof leads to a checkpoint signed by the log. Never queries the log.
/// </summary>
internal static class TransparencyLogVerifier
{
    public static VerifiedLogEntry Verify(
        TransparencyLogEntry entry, SigstoreBundle bundle, BundleSigner signer, ArtifactInput artifact, TrustedRoot root)
    {
        var log = root.FindTransparencyLog(entry.LogId) ?? throw new VerificationException(
            VerificationFailureReason.TransparencyLogUnknown,
            $"tlog entry comes from log {Convert.ToBase64String(entry.LogId)}, which is not in the trusted root");
        if (log.Key is null)
        {
            throw new VerificationException(VerificationFailureReason.TransparencyLogUnknown,
                $"the trusted root's key for {log.BaseUrl} is unusable: {log.KeyError}");
        }

        EntryBodyMatcher.Match(entry, bundle, signer, artifact);

        if (bundle.Version == BundleVersion.V01 && entry.SignedEntryTimestamp is null)
        {
            throw new VerificationException(VerificationFailureReason.InclusionPromiseMissing,
                "a v0.1 bundle's tlog entry needs an inclusion promise (signed entry timestamp)");
        }

        var hasIntegratedTime = entry.IntegratedTime is > 0;
        if (entry.InclusionProof is null && (bundle.Version != BundleVersion.V01 || !hasIntegratedTime))
        {
            throw new VerificationException(VerificationFailureReason.InclusionProofMissing,
                "the tlog entry has no inclusion proof (required from bundle v0.2 and for Rekor v2 entries)");
        }

        DateTimeOffset? integratedTime = null;
        if (entry.SignedEntryTimestamp is { } set)
        {
            integratedTime = VerifyInclusionPromise(entry, set, log);
        }

        if (entry.InclusionProof is { } proof)
        {
            VerifyInclusionProof(entry, proof, log);
        }

        return new VerifiedLogEntry(entry, log, integratedTime);
    }

    /// <summary>The SET is the log's signature over canonical JSON of body, integratedTime, logID (hex) and logIndex.</summary>
    private static DateTimeOffset VerifyInclusionPromise(TransparencyLogEntry entry, byte[] set, TrustedLog log)
    {
        if (entry.IntegratedTime is not > 0)
        {
            throw new VerificationException(VerificationFailureReason.InclusionPromiseInvalid,
                "an inclusion promise needs a positive integrated time");
        }

        var payload = string.Create(CultureInfo.InvariantCulture,
            $"{{\"body\":\"{Convert.ToBase64String(entry.CanonicalizedBody)}\",\"integratedTime\":{entry.IntegratedTime},\"logID\":\"{Convert.ToHexStringLower(entry.LogId)}\",\"logIndex\":{entry.LogIndex}}}");
        if (!log.Key!.VerifyData(Encoding.UTF8.GetBytes(payload), set, log.Scheme))
        {
            throw new VerificationException(VerificationFailureReason.InclusionPromiseInvalid,
                $"the signed entry timestamp does not verify with the key of {log.BaseUrl}");
        }

        var time = DateTimeOffset.FromUnixTimeSeconds(entry.IntegratedTime.Value);
        if (!log.Validity.Contains(time))
        {
            throw new VerificationException(VerificationFailureReason.TransparencyLogKeyNotValidAtTime,
                $"integrated time {time:O} is outside the validity {log.Validity} of {log.BaseUrl}");
        }

        return time;
    }

    private static void VerifyInclusionProof(TransparencyLogEntry entry, InclusionProof proof, TrustedLog log)
    {
        var leafHash = MerkleInclusionProof.LeafHash(entry.CanonicalizedBody);
        if (!MerkleInclusionProof.Verify(proof.LogIndex, proof.TreeSize, leafHash, proof.Hashes, proof.RootHash))
        {
            throw new VerificationException(VerificationFailureReason.InclusionProofInvalid,
                $"the inclusion proof for index {proof.LogIndex} in a tree of {proof.TreeSize} does not lead to the root hash");
        }

        if (proof.Checkpoint is null)
        {
            throw new VerificationException(VerificationFailureReason.CheckpointInvalid,
                "the inclusion proof has no checkpoint, so its root hash is not signed by the log");
        }

        var checkpoint = SignedCheckpoint.Parse(proof.Checkpoint);
        checkpoint.VerifySignedBy(log);
        if (checkpoint.TreeSize != proof.TreeSize || !checkpoint.RootHash.AsSpan().SequenceEqual(proof.RootHash))
        {
            throw new VerificationException(VerificationFailureReason.CheckpointInvalid,
                "the checkpoint's tree size or root hash differs from the inclusion proof's");
        }
    }
}
