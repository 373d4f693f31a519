using Gatehouse.Contracts;
using Gatehouse.Contracts.Decisions;
using Gatehouse.Contracts.Messages;

namespace Gatehouse.Policy.Model;

/// <summary>
/// The pure evaluator: (profile, facts, now) → decision and reasons. No I/O and no clock of its own, so the
/// policy service, admission's local checks and <c>gatehouse policy test</c> decide alike, and tests are tables.
/// </summary>
public static partial class ImagePolicyEvaluator
{
    public static PolicyDecision Evaluate(ImagePolicy policy, ImageFacts facts, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(facts);
        var spec = policy.Spec;
        var reasons = new List<DecisionReason>();
        var unknown = new List<string>();
        DateTimeOffset? validUntil = null;

        reasons.AddRange(CheckRegistry(spec, facts.Reference is { } r ? [r] : facts.KnownReferences));
        if (facts.Reference is { } reference) reasons.AddRange(CheckPinning(spec, reference, facts.Digest));
        if (spec.Signatures is { } signatures) CheckSignatures(spec, signatures, facts, reasons, unknown);
        if (spec.Vulnerabilities is { } vulnerabilities) validUntil = CheckVulnerabilities(spec, vulnerabilities, facts, now, reasons, unknown);
        if (spec.BaseImages is { } baseImages) CheckBaseImage(spec, baseImages, facts, reasons, unknown);

        var applied = ApplyMode(spec.Mode, reasons);
        return new PolicyDecision(policy.Profile, StatusOf(applied), applied, validUntil, unknown);
    }

    /// <summary>
    /// The checks that need only the reference (registry allowlist, digest pinning): what admission runs locally
    /// before it looks a digest up. Mode is not applied; pass the result through <see cref="ApplyMode"/>.
    /// </summary>
    public static IReadOnlyList<DecisionReason> CheckReference(ImagePolicy policy, ImageReference reference)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(reference);
        return [.. CheckRegistry(policy.Spec, [reference]), .. CheckPinning(policy.Spec, reference, null)];
    }

    /// <summary>Warn mode turns denies into warnings; audit mode admits everything and says what it would have done.</summary>
    public static IReadOnlyList<DecisionReason> ApplyMode(PolicyMode mode, IReadOnlyList<DecisionReason> reasons)
    {
        ArgumentNullException.ThrowIfNull(reasons);
        var denies = reasons.Count(r => r.Effect == DecisionStatus.Deny);
        var warnings = reasons.Count(r => r.Effect == DecisionStatus.Warn);
        switch (mode)
        {
            case PolicyMode.Warn when denies > 0:
                return [.. reasons.Select(r => r.Effect == DecisionStatus.Deny ? r with { Effect = DecisionStatus.Warn } : r),
                    new DecisionReason(ReasonCodes.ModeWarn, $"the profile is in warn mode: {Count(denies, "deny", "denies")} reported as warnings", DecisionStatus.Warn)];
            case PolicyMode.Audit when denies + warnings > 0:
                return [.. reasons.Select(r => r.Effect == DecisionStatus.Allow ? r : r with { Effect = DecisionStatus.Allow, Message = $"(audit, would {r.Effect}) {r.Message}" }),
                    new DecisionReason(ReasonCodes.ModeAudit, $"the profile is in audit mode: admitted and recorded ({Count(denies, "deny", "denies")}, {Count(warnings, "warning", "warnings")})", DecisionStatus.Allow)];
            default:
                return reasons;
        }
    }

    /// <summary>deny if any reason denies, else warn if any warns, else allow.</summary>
    public static string StatusOf(IEnumerable<DecisionReason> reasons)
    {
        ArgumentNullException.ThrowIfNull(reasons);
        var effects = reasons.Select(r => r.Effect).ToHashSet(StringComparer.Ordinal);
        return effects.Contains(DecisionStatus.Deny) ? DecisionStatus.Deny
            : effects.Contains(DecisionStatus.Warn) ? DecisionStatus.Warn
            : DecisionStatus.Allow;
    }

    private static IEnumerable<DecisionReason> CheckRegistry(ImagePolicySpec spec, IReadOnlyList<ImageReference> references)
    {
        // Without any name the rule cannot be judged here; admission checks the name it is given.
        if (spec.Registries.Count == 0 || references.Count == 0) yield break;
        foreach (var reference in references)
        {
            if (spec.Registries.FirstOrDefault(p => p.Matches(reference)) is { } pattern)
            {
                yield return new DecisionReason(ReasonCodes.RegistryApproved, $"{reference.FullName} matches the approved pattern {pattern}", DecisionStatus.Allow);
                yield break;
            }
        }
        var names = string.Join(", ", references.Select(r => r.FullName).Distinct(StringComparer.Ordinal));
        yield return new DecisionReason(ReasonCodes.RegistryNotApproved,
            $"{names} is not from an approved registry (approved: {string.Join(", ", spec.Registries)})", DecisionStatus.Deny);
    }

    private static IEnumerable<DecisionReason> CheckPinning(ImagePolicySpec spec, ImageReference reference, string? digest)
    {
        if (!spec.RequireDigest || reference.Digest is not null) yield break;
        var suggestion = digest is null ? $"{reference.FullName}@sha256:…" : $"{reference.FullName}@{digest}";
        yield return new DecisionReason(ReasonCodes.DigestNotPinned, $"{reference} is not pinned to a digest; use {suggestion}", DecisionStatus.Deny);
    }

    private static void CheckSignatures(ImagePolicySpec spec, SignaturePolicy policy, ImageFacts facts, List<DecisionReason> reasons, List<string> unknown)
    {
        if (facts.Signatures is not { } signatures)
        {
            reasons.Add(Unknown(spec, facts, [Facets.Signatures], ReasonCodes.SignaturesUnknown, "signatures have not been verified yet", unknown));
            return;
        }
        var signers = signatures.Signers.Where(s => s.ArtifactKind == "signature").ToList();
        var matched = policy.Authorities.Where(a => signers.Any(s => Accepts(a, s))).ToList();
        var expected = string.Join("; ", policy.Authorities.Select(a => $"{a.Name}: {a.Describe()}"));
        if (signers.Count == 0)
        {
            var failures = signatures.Failures.Count == 0 ? ""
                : $" ({signatures.Failures.Count} found but not verified: {string.Join("; ", signatures.Failures.Take(3).Select(f => f.Reason))})";
            reasons.Add(new DecisionReason(ReasonCodes.SignatureMissing, $"no valid signature{failures}; expected one from {expected}", DecisionStatus.Deny));
            return;
        }
        var satisfied = policy.Match == SignatureMatch.AnyOf ? matched.Count > 0 : matched.Count == policy.Authorities.Count;
        if (satisfied)
        {
            reasons.Add(new DecisionReason(ReasonCodes.SignatureVerified, $"signed by {string.Join(", ", matched.Select(a => $"{a.Name} ({a.Describe()})"))}", DecisionStatus.Allow));
            return;
        }
        if (policy.Match == SignatureMatch.AllOf && matched.Count > 0)
        {
            foreach (var missing in policy.Authorities.Except(matched))
                reasons.Add(new DecisionReason(ReasonCodes.SignatureAuthorityMissing, $"no signature from {missing.Name} ({missing.Describe()}); all of the listed authorities must sign", DecisionStatus.Deny));
            return;
        }
        var by = string.Join(", ", signers.Select(DescribeSigner).Distinct(StringComparer.Ordinal));
        reasons.Add(new DecisionReason(ReasonCodes.SignatureUntrusted, $"signed by {by}, which is not an accepted authority; expected {expected}", DecisionStatus.Deny));
    }

    private static bool Accepts(SignatureAuthority authority, VerifiedSigner signer) => authority switch
    {
        { Keyless: { } keyless } => signer.Kind == "keyless" && keyless.Issuer.Matches(signer.Issuer) && keyless.Subject.Matches(signer.Subject),
        { Key: { } key } => signer.Kind == "key" && signer.KeyId is { } id && SameKeyId(id, key.KeyId),
        _ => false,
    };

    // The signer may report the hex with or without the "sha256:" prefix.
    private static bool SameKeyId(string reported, string expected) =>
        string.Equals(reported.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase) ? reported : "sha256:" + reported, expected, StringComparison.OrdinalIgnoreCase);

    private static string DescribeSigner(VerifiedSigner signer) =>
        signer.Kind == "keyless" ? $"subject {signer.Subject} from issuer {signer.Issuer}" : $"key {signer.KeyId}";

    private static void CheckBaseImage(ImagePolicySpec spec, BaseImagePolicy policy, ImageFacts facts, List<DecisionReason> reasons, List<string> unknown)
    {
        if (facts.Layers is not { } layers)
        {
            reasons.Add(Unknown(spec, facts, [Facets.Manifest], ReasonCodes.ManifestUnknown, "the image's layers are not known yet, so its base image cannot be checked", unknown));
            return;
        }
        var approved = policy.Approved.FirstOrDefault(b => b.Layers.Count <= layers.Count &&
            b.Layers.Select((digest, i) => digest == layers[i].Digest || digest == layers[i].DiffId).All(same => same));
        if (approved is not null)
        {
            reasons.Add(new DecisionReason(ReasonCodes.BaseImageApproved, $"built on the approved base image {approved.Name}", DecisionStatus.Allow));
            return;
        }
        var effect = policy.Drift == DriftAction.Deny ? DecisionStatus.Deny : DecisionStatus.Warn;
        var first = layers.Count > 0 ? $" (its first layer is {layers[0].Digest})" : "";
        reasons.Add(new DecisionReason(ReasonCodes.BaseImageDrift,
            $"not built on an approved base image{first}; approved: {string.Join(", ", policy.Approved.Select(b => b.Name))}", effect));
    }

    /// <summary>
    /// An unknown facet: a permanent analysis failure denies (the content can never be judged); otherwise the
    /// profile's unknown-image behaviour applies.
    /// </summary>
    private static DecisionReason Unknown(ImagePolicySpec spec, ImageFacts facts, string[] facets, string code, string sentence, List<string> unknown)
    {
        unknown.Add(facets[0]);
        var failure = facts.Failures.Where(f => facets.Contains(f.Facet, StringComparer.Ordinal) || f.Facet == Facets.Manifest)
            .OrderByDescending(f => f.FailedAt).FirstOrDefault();
        if (failure is { Retryable: false })
            return new DecisionReason(ReasonCodes.AnalysisFailed, $"the image's {failure.Facet} could not be analysed: {failure.Reason}", DecisionStatus.Deny);
        var why = failure is null ? sentence : $"{sentence} (last attempt failed: {failure.Reason})";
        return spec.UnknownImages == UnknownImageAction.DenyAndScan
            ? new DecisionReason(code, $"{why} — not yet analysed, scan requested", DecisionStatus.Deny)
            : new DecisionReason(code, $"{why}; allowed with a warning until it is analysed", DecisionStatus.Warn);
    }

    private static string Count(int n, string one, string many) => $"{n} {(n == 1 ? one : many)}";
}
