using System.Formats.Asn1;
using Gatehouse.Sigstore.Asn1;
using Gatehouse.Sigstore.Bundles;
using Gatehouse.Sigstore.Certificates;
using Gatehouse.Sigstore.Rekor;
using Gatehouse.Sigstore.Timestamps;

namespace Gatehouse.Sigstore;

/// <summary>
/// Offline Sigstore bundle verifier (bundle v0.1-v0.3, Rekor v1 and v2, RFC 3161 timestamps, keyless and managed keys).
/// Create one per trusted root and share it: it holds no per-call state. Never throws for bad input; every
/// failure is a <see cref="VerificationResult"/> with a <see cref="VerificationFailureReason"/>.
/// </summary>
public sealed class SigstoreVerifier
{
    private readonly TrustedRoot root;

    public SigstoreVerifier(TrustedRoot trustedRoot)
    {
        ArgumentNullException.ThrowIfNull(trustedRoot);
        root = trustedRoot;
    }

    /// <summary>
    /// Forgets every remembered successful signature check (process-wide), so the next verification pays the full
    /// public-key cost. For benchmarks that measure cold verification; services never need it.
    /// </summary>
    public static void ClearVerifiedSignatureCache() => Crypto.VerifiedSignatureCache.Clear();

    /// <summary>Verifies a bundle (JSON bytes) for an artifact under a policy.</summary>
    public VerificationResult Verify(ReadOnlyMemory<byte> bundleJson, ArtifactInput artifact, VerificationPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        ArgumentNullException.ThrowIfNull(policy);
        SigstoreBundle? bundle = null;
        try
        {
            bundle = BundleParser.Parse(bundleJson);
            return VerificationResult.Success(VerifyBundle(bundle, artifact, policy));
        }
        catch (VerificationException e)
        {
            return VerificationResult.Failure(e.Reason, e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Defensive: input that slipped past every specific check is still a reasoned failure, never a crash.
            return VerificationResult.Failure(VerificationFailureReason.BundleMalformed, $"malformed bundle content: {e.Message}");
        }
        finally
        {
            bundle?.Certificate?.ReleasePublicKey();
        }
    }

    private VerifiedSignature VerifyBundle(SigstoreBundle bundle, ArtifactInput artifact, VerificationPolicy policy)
    {
        var signer = ResolveSigner(bundle, policy);
        ContentSignatureVerifier.Verify(bundle, signer, artifact);

        if (bundle.TransparencyLogEntries.Count == 0)
        {
            throw new VerificationException(VerificationFailureReason.TransparencyLogEntryMissing,
                "the bundle has no transparency log entry");
        }

        var entries = new List<VerifiedLogEntry>();
        foreach (var entry in bundle.TransparencyLogEntries)
        {
            entries.Add(TransparencyLogVerifier.Verify(entry, bundle, signer, artifact, root));
        }

        var times = CollectVerifiedTimes(bundle, entries);
        if (signer.Certificate is { } leaf)
        {
            var issuer = FulcioCertificateVerifier.Verify(leaf, times, root);
            SctVerifier.Verify(leaf, issuer, root);
        }

        return Describe(bundle, signer, policy, entries, times);
    }

    private static BundleSigner ResolveSigner(SigstoreBundle bundle, VerificationPolicy policy)
    {
        switch (policy)
        {
            case KeylessPolicy when bundle.Certificate is { } certificate:
                return certificate.TryGetPublicKey(out var leafKey)
                    ? new BundleSigner(certificate, leafKey)
                    : throw new VerificationException(VerificationFailureReason.CertificateMalformed,
                        "the signing certificate's public key is malformed or of an unsupported type");
            case KeylessPolicy:
                throw new VerificationException(VerificationFailureReason.VerificationMaterialMismatch,
                    "the bundle is signed with a public key, but the policy expects a keyless (certificate) signature");
            case PublicKeyPolicy keyPolicy when bundle.UsesPublicKey:
                return new BundleSigner(null, keyPolicy.Key);
            case PublicKeyPolicy:
                throw new VerificationException(VerificationFailureReason.VerificationMaterialMismatch,
                    "the bundle carries a certificate, but the policy expects a managed-key signature");
            default:
                throw new VerificationException(VerificationFailureReason.VerificationMaterialMismatch,
                    $"unsupported policy type {policy.GetType().Name}");
        }
    }

    /// <summary>
    /// Integrated times from verified SETs plus RFC 3161 times. Rekor v2 entries have no integrated time, so they
    /// need a TSA timestamp, and their log key must have been valid at that time.
    /// </summary>
    private List<VerifiedTimestamp> CollectVerifiedTimes(SigstoreBundle bundle, List<VerifiedLogEntry> entries)
    {
        var times = new List<VerifiedTimestamp>();
        foreach (var entry in entries)
        {
            if (entry.IntegratedTime is { } integrated)
            {
                times.Add(new VerifiedTimestamp(integrated, SigningTimeSource.TransparencyLogIntegratedTime));
            }
        }

        var tsaTimes = new List<DateTimeOffset>();
        foreach (var timestamp in bundle.Rfc3161Timestamps)
        {
            var time = TimestampVerifier.Verify(timestamp, bundle.SignatureBytes, root);
            tsaTimes.Add(time);
            times.Add(new VerifiedTimestamp(time, SigningTimeSource.TimestampAuthority));
        }

        foreach (var entry in entries)
        {
            if (entry.IntegratedTime is not null)
            {
                continue;
            }

            if (tsaTimes.Count == 0)
            {
                throw new VerificationException(VerificationFailureReason.TimestampMissing,
                    $"the entry in {entry.Log.BaseUrl} has no verified integrated time, so a timestamp authority timestamp is required");
            }

            foreach (var time in tsaTimes)
            {
                if (!entry.Log.Validity.Contains(time))
                {
                    throw new VerificationException(VerificationFailureReason.TransparencyLogKeyNotValidAtTime,
                        $"timestamp {time:O} is outside the validity {entry.Log.Validity} of {entry.Log.BaseUrl}");
                }
            }
        }

        if (times.Count == 0)
        {
            throw new VerificationException(VerificationFailureReason.TimestampMissing, "the bundle proves no signing time");
        }

        return times;
    }

    private static VerifiedSignature Describe(
        SigstoreBundle bundle, BundleSigner signer, VerificationPolicy policy, List<VerifiedLogEntry> entries, List<VerifiedTimestamp> times)
    {
        var earliest = times.MinBy(t => t.Time)!;
        var signature = new VerifiedSignature
        {
            IsKeyless = signer.Certificate is not null,
            SigningTime = earliest.Time,
            SigningTimeSource = earliest.Source,
            VerifiedTimestamps = times,
            LogIndex = entries[0].Entry.LogIndex,
            LogUrl = entries[0].Log.BaseUrl,
            ContentType = bundle.DsseEnvelope?.PayloadType ?? "messageSignature",
            DssePayload = bundle.DsseEnvelope?.Payload,
        };

        return signer.Certificate is { } leaf && policy is KeylessPolicy keyless
            ? ApplyIdentityPolicy(signature, leaf, keyless)
            : signature;
    }

    private static VerifiedSignature ApplyIdentityPolicy(VerifiedSignature signature, ParsedCertificate leaf, KeylessPolicy policy)
    {
        List<string> names;
        Dictionary<string, string> extensions;
        try
        {
            names = CertificateExtensionReader.ReadSubjectAlternativeNames(leaf);
            extensions = CertificateExtensionReader.ReadFulcioExtensions(leaf);
        }
        catch (AsnContentException e)
        {
            throw new VerificationException(VerificationFailureReason.CertificateMalformed,
                $"the signing certificate's identity extensions are malformed: {e.Message}");
        }

        var identity = names.FirstOrDefault(policy.Identity.IsMatch) ?? throw new VerificationException(
            VerificationFailureReason.IdentityMismatch,
            $"certificate identity [{string.Join(", ", names)}] does not match the expected {policy.Identity}");

        var issuer = extensions.GetValueOrDefault(FulcioExtensionOids.Issuer) ?? extensions.GetValueOrDefault(FulcioExtensionOids.IssuerV1);
        if (issuer is null || !policy.Issuer.IsMatch(issuer))
        {
            throw new VerificationException(VerificationFailureReason.IssuerMismatch,
                $"certificate issuer '{issuer ?? "(none)"}' does not match the expected {policy.Issuer}");
        }

        return signature with
        {
            SignerIdentity = identity,
            SubjectAlternativeNames = names,
            Issuer = issuer,
            FulcioExtensions = extensions,
        };
    }
}
