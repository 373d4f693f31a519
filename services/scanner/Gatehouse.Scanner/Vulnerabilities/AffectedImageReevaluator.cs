using Gatehouse.Contracts;
using Gatehouse.Contracts.Messages;
using Gatehouse.ServiceDefaults.Store;

namespace Gatehouse.Scanner.Vulnerabilities;

/// <summary>What one re-evaluation did.</summary>
/// <param name="Unchanged">Images whose report for this data version had been published already (a redelivery).</param>
public sealed record ReevaluationSummary(int Packages, int Images, int Published, int Unchanged, int Failed);

/// <summary>
/// Re-decides the images an advisory update may affect: one set read per announced package in the SBOM index
/// (package identity → digests), then each image evaluated from its stored SBOM and cached VEX, in parallel, in
/// batches; results are published one by one (a consume context is not shared between threads) and committed after
/// their publish, so a redelivered update republishes only what was not yet announced. Nothing is read from a registry.
/// </summary>
public sealed class AffectedImageReevaluator(IKeyValueStore store, StoredImageEvaluator evaluator, VulnerabilityReportStore reports)
{
    private const int BatchSize = 64;
    private const int ConcurrentSetReads = 32;

    public async Task<ReevaluationSummary> ReevaluateAsync(
        AdvisoriesUpdated update,
        Func<VulnerabilitiesFound, Task> publish,
        Func<string, ImageEvaluation, Task> failed,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(publish);
        ArgumentNullException.ThrowIfNull(failed);
        var digests = await AffectedImagesAsync(update.AffectedPackages);
        int published = 0, unchanged = 0, failures = 0;
        // Store round trips overlap with matching: a little more concurrency than cores.
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(4, Environment.ProcessorCount * 2), CancellationToken = cancellationToken };
        foreach (var batch in digests.Chunk(BatchSize))
        {
            var results = new ImageEvaluation[batch.Length];
            await Parallel.ForEachAsync(Enumerable.Range(0, batch.Length), parallel, async (i, token) =>
                results[i] = await evaluator.EvaluateAsync(batch[i], VulnerabilityEvaluator.AdvisoriesTrigger, null, null, update.DataVersion, token));

            for (var i = 0; i < batch.Length; i++)
            {
                switch (results[i])
                {
                    case { Saved: { AlreadyPublished: false } saved }:
                        await publish(saved.Message);
                        await reports.CommitAsync(saved);
                        published++;
                        break;
                    case { Saved: not null }:
                        unchanged++;
                        break;
                    default:
                        await failed(batch[i], results[i]);
                        failures++;
                        break;
                }
            }
        }
        return new ReevaluationSummary(update.AffectedPackages.Count, digests.Count, published, unchanged, failures);
    }

    /// <summary>Digests of indexed images containing any of the packages (version-less purls), ordered.</summary>
    public async Task<IReadOnlyList<string>> AffectedImagesAsync(IReadOnlyList<string> packages)
    {
        ArgumentNullException.ThrowIfNull(packages);
        var digests = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var chunk in packages.Distinct(StringComparer.Ordinal).Chunk(ConcurrentSetReads))
        {
            foreach (var members in await Task.WhenAll(chunk.Select(p => store.SetMembersAsync(StoreKeys.PackageImages(p)))))
            {
                digests.UnionWith(members);
            }
        }
        return [.. digests];
    }
}
