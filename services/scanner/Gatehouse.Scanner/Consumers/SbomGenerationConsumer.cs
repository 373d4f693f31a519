using System.Diagnostics;
using Gatehouse.Contracts.Messages;
using Gatehouse.Oci;
using Gatehouse.Scanner.Inventory;
using Gatehouse.Scanner.Layers;
using Gatehouse.Scanner.Sbom;
using Gatehouse.Scanner.Sources;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gatehouse.Scanner.Consumers;

/// <summary>
/// Produces the SBOM of every pushed container image: inventory, CycloneDX document attached to the image as a
/// referrer, indexed by purl, and announced with <see cref="SbomGenerated"/> (reference and hash, never the
/// document). A digest with an SBOM is not extracted again; its stored record is announced instead, so a
/// redelivery after a crash still publishes. Hostile or invalid images give <see cref="ImageAnalysisFailed"/>.
/// </summary>
public sealed partial class SbomGenerationConsumer(
    IImageStoreFactory stores, SbomGenerator generator, SbomIndex index, IOptions<ScannerOptions> options,
    TimeProvider time, ILogger<SbomGenerationConsumer> logger) : IConsumer<ImagePushed>
{
    public async Task Consume(ConsumeContext<ImagePushed> context)
    {
        var pushed = context.Message;
        Activity.Current?.SetTag("gatehouse.digest", pushed.Digest).SetTag("gatehouse.repository", pushed.Repository);
        if (ArtifactTags.IsArtifactTag(pushed.Tag)) return; // signatures, attestations, referrer indexes
        if (await index.GetRecordAsync(pushed.Digest) is { } existing)
        {
            await context.Publish(Announce(existing));
            return;
        }
        if (!await index.TryClaimAsync(pushed.Digest, options.Value.ExtractionClaim))
        {
            // Another replica (or a concurrent push of the same digest to another repository) is extracting it:
            // announce its record rather than extracting twice; the retry policy covers a claim that outlives the wait.
            var other = await index.WaitForRecordAsync(pushed.Digest, options.Value.ClaimWait, time, context.CancellationToken)
                ?? throw new InvalidOperationException($"The SBOM of {pushed.Digest} is being extracted elsewhere and not finished yet.");
            await context.Publish(Announce(other));
            return;
        }

        var store = stores.ForRegistry(pushed.Registry);
        try
        {
            var image = await store.ResolveAsync(pushed.Repository, pushed.Digest, null, context.CancellationToken);
            if (!ImageInspectionConsumer.IsContainerImage(image)) return;
            var source = ImageSourceOpener.FromResolved(store, image, $"{pushed.Registry}/{pushed.Repository}", $"{pushed.Registry}/{pushed.Repository}");
            var sbom = await generator.GenerateAsync(source, options.Value.Limits, null, context.CancellationToken);
            var referrer = await SbomGenerator.AttachAsync(store, pushed.Repository, image, sbom, context.CancellationToken);
            var record = new SbomRecord(image.ManifestDigest, pushed.Registry, pushed.Repository,
                $"{pushed.Registry}/{pushed.Repository}@{referrer}", sbom.Sha256, sbom.Bom.Components?.Count ?? 0,
                sbom.Inventory.CatalogerSetVersion, [.. sbom.Inventory.Problems.Select(p => $"{p.Code}: {p.Path}: {p.Message}")], time.GetUtcNow());
            await index.IndexAsync(record, sbom.Bom, sbom.Bytes);
            LogGenerated(logger, pushed.Repository, pushed.Digest, record.ComponentCount, sbom.Inventory.Statistics.Elapsed.TotalMilliseconds);
            await context.Publish(Announce(record));
        }
        catch (Exception ex) when (Permanent(ex) is { } reason)
        {
            LogFailed(logger, pushed.Digest, reason);
            await context.Publish(new ImageAnalysisFailed(pushed.Digest, "sbom", reason, false, time.GetUtcNow()));
        }
        finally
        {
            await index.ReleaseClaimAsync(pushed.Digest);
        }
    }

    /// <summary>The reason when <paramref name="ex"/> will fail again on retry; null lets the retry policy have it.</summary>
    private static string? Permanent(Exception ex) => ex switch
    {
        ImageAnalysisException { Retryable: false } analysis => analysis.Reason,
        OciException oci when OciFailure.IsPermanent(oci) => oci.Message,
        _ => null,
    };

    private static SbomGenerated Announce(SbomRecord record) => new(record.Registry, record.Repository, record.Digest, record.SbomRef,
        record.Sha256, record.ComponentCount, record.CatalogerSetVersion, record.GeneratedAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "SBOM of {Repository}@{Digest}: {Components} components in {Milliseconds:F0} ms")]
    private static partial void LogGenerated(ILogger logger, string repository, string digest, int components, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SBOM of {Digest} failed for good: {Reason}")]
    private static partial void LogFailed(ILogger logger, string digest, string reason);
}
