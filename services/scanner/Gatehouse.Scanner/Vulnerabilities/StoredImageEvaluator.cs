using System.Security.Cryptography;
using System.Text;
using Gatehouse.Contracts;
using Gatehouse.Scanner.CycloneDx;
using Gatehouse.Scanner.Sbom;
using Gatehouse.Scanner.Vex;
using Gatehouse.ServiceDefaults.Store;

namespace Gatehouse.Scanner.Vulnerabilities;

/// <summary>The outcome of evaluating one stored image: a saved report, or why there is none.</summary>
/// <param name="Retryable">For a failure: true when a later attempt (or a rescan) may succeed.</param>
public sealed record ImageEvaluation(SavedReport? Saved, string? FailureReason, bool Retryable)
{
    public static ImageEvaluation Failed(string reason, bool retryable) => new(null, reason, retryable);
}

/// <summary>
/// Evaluates an image from what the store holds, never from the registry: its SBOM (checked against the hash its
/// record and announcement carry), the configured VEX files and the image's cached referrer VEX, against the current
/// advisory snapshot. Shared by the match on <c>SbomGenerated</c> and the re-evaluation on <c>AdvisoriesUpdated</c>.
/// Store failures propagate (transient: the consumer's retry has them); a missing or inconsistent SBOM is a failure
/// result.
/// </summary>
public sealed class StoredImageEvaluator(
    IKeyValueStore store,
    IAdvisorySnapshots advisories,
    VexFileSource vexFiles,
    VexCache vexCache,
    VulnerabilityReportStore reports,
    AdvisoryIdentityIndex identities,
    TimeProvider time)
{
    /// <param name="referrerVex">VEX read from the image's referrers just now (then cached); null: use the cache.</param>
    /// <param name="expectedSbomSha256">The SBOM hash an announcement carried, if any.</param>
    /// <param name="expectedDataVersion">The advisory data version an announcement carried, if any.</param>
    public async Task<ImageEvaluation> EvaluateAsync(
        string digest,
        string trigger,
        IReadOnlyList<VexDocument>? referrerVex,
        string? expectedSbomSha256,
        string? expectedDataVersion,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(digest);
        var json = await store.GetAsync(StoreKeys.Sbom(digest));
        if (json is null)
        {
            return ImageEvaluation.Failed($"the SBOM of {digest} is not in the store; rescan the image", retryable: true);
        }

        var bytes = Encoding.UTF8.GetBytes(json);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (sha256 != expectedSbomSha256 && await SbomRecordHashAsync(digest) is { } recorded && recorded != sha256)
        {
            // The announcement may be older than a regenerated SBOM; the record is the arbiter of what is current.
            return ImageEvaluation.Failed($"the stored SBOM of {digest} has SHA-256 {sha256}, its record says {recorded}", retryable: false);
        }

        Bom bom;
        try
        {
            bom = CycloneDxReader.Read(bytes);
        }
        catch (InvalidDataException e)
        {
            return ImageEvaluation.Failed($"the stored SBOM of {digest} is unreadable: {e.Message}", retryable: false);
        }

        // Index first, then take the snapshot: an update committed after this point finds the image in the index.
        // Re-evaluation found the image through that index, written when its SBOM was first matched.
        var packages = SbomPackages.Read(bom);
        if (trigger != VulnerabilityEvaluator.AdvisoriesTrigger)
        {
            await identities.AddAsync(digest, packages.Packages);
        }

        if (referrerVex is not null)
        {
            await vexCache.SetAsync(new CachedVex(digest, referrerVex, time.GetUtcNow()));
        }
        var attached = referrerVex ?? (await vexCache.GetAsync(digest))?.Documents ?? [];
        var snapshot = await advisories.GetAsync(expectedDataVersion, cancellationToken);
        var report = VulnerabilityEvaluator.Evaluate(new EvaluationInput(
            bom, digest, snapshot, [.. vexFiles.Documents(), .. attached], trigger, time.GetUtcNow(), sha256) { Packages = packages });
        return new ImageEvaluation(await reports.SaveAsync(report), null, false);
    }

    private async Task<string?> SbomRecordHashAsync(string digest) =>
        await new SbomIndex(store).GetRecordAsync(digest) is { } record ? record.Sha256 : null;
}
