using System.Diagnostics;
using System.Text.Json;
using Gatehouse.Contracts;
using Gatehouse.Contracts.Messages;
using Gatehouse.Oci;
using Gatehouse.ServiceDefaults.Store;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Scanner.Consumers;

/// <summary>
/// First step of analysing a pushed image: resolve its manifest and config through the OCI client and record
/// platform and layers per digest. Idempotent: a digest already recorded is not fetched again. Transient
/// registry errors are rethrown for the endpoint's retry policy (then the error queue); content that can never
/// be read is reported as <see cref="ImageAnalysisFailed"/>.
/// </summary>
public sealed partial class ImageInspectionConsumer(
    IImageStoreFactory stores, IKeyValueStore store, TimeProvider time, ILogger<ImageInspectionConsumer> logger)
    : IConsumer<ImagePushed>
{
    public async Task Consume(ConsumeContext<ImagePushed> context)
    {
        var pushed = context.Message;
        Activity.Current?.SetTag("gatehouse.digest", pushed.Digest).SetTag("gatehouse.repository", pushed.Repository);
        if (ArtifactTags.IsArtifactTag(pushed.Tag)) return; // signatures, attestations, referrer indexes
        var key = StoreKeys.ImageManifest(pushed.Digest);
        if (await store.GetAsync(key) is not null)
        {
            LogAlreadyInspected(logger, pushed.Digest);
            return;
        }

        ResolvedImage image;
        try
        {
            image = await stores.ForRegistry(pushed.Registry).ResolveAsync(pushed.Repository, pushed.Digest, null, context.CancellationToken);
        }
        catch (OciException ex) when (OciFailure.IsPermanent(ex))
        {
            await context.Publish(new ImageAnalysisFailed(pushed.Digest, "manifest", ex.Message, false, time.GetUtcNow()));
            return;
        }
        if (!IsContainerImage(image))
        {
            // Signatures, attestations and SBOMs are manifests too; they are the signer's business, not ours.
            LogNotAnImage(logger, pushed.Digest, image.Manifest.ArtifactType ?? image.Manifest.Config.MediaType);
            return;
        }

        var diffIds = image.Config.RootFs.DiffIds;
        var layers = image.Layers.Select((l, i) => new LayerRecord(l.Digest, l.MediaType, l.Size, i < diffIds.Count ? diffIds[i] : null)).ToList();
        var record = new ImageManifestRecord(pushed.Registry, pushed.Repository, image.ManifestDigest, image.MediaType,
            image.Config.Os, image.Config.Architecture, image.Config.Variant, layers, time.GetUtcNow());
        await store.SetAsync(key, JsonSerializer.Serialize(record, ScannerJsonContext.Default.ImageManifestRecord));
        LogInspected(logger, pushed.Repository, pushed.Digest, layers.Count, record.Os, record.Architecture);
    }

    /// <summary>An image with an image config and tar layers, not a signature, attestation or SBOM artifact.</summary>
    public static bool IsContainerImage(ResolvedImage image) =>
        image.Manifest.Config.MediaType is OciMediaTypes.ImageConfig or OciMediaTypes.DockerConfig &&
        image.Layers.All(l => l.MediaType.Contains("tar", StringComparison.Ordinal));

    [LoggerMessage(Level = LogLevel.Information, Message = "Inspected {Repository}@{Digest}: {Layers} layers, {Os}/{Architecture}")]
    private static partial void LogInspected(ILogger logger, string repository, string digest, int layers, string os, string architecture);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Digest} already inspected; nothing to do")]
    private static partial void LogAlreadyInspected(ILogger logger, string digest);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Digest} is an artifact ({Type}), not a container image; not scanned")]
    private static partial void LogNotAnImage(ILogger logger, string digest, string? type);
}
