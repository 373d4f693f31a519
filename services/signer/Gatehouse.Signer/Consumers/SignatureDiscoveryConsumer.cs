using System.Diagnostics;
using System.Text.Json;
using Gatehouse.Contracts;
using Gatehouse.Contracts.Messages;
using Gatehouse.Oci;
using Gatehouse.ServiceDefaults.Store;
using Gatehouse.Signer.Discovery;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Signer.Consumers;

/// <summary>
/// On every push, discovers the signature artifacts of the image's digest and records them. A push of a
/// cosign <c>.sig</c>/<c>.att</c> tag re-discovers its subject image instead, so a signature added later counts.
/// Recording overwrites the previous record, so redelivery is harmless.
/// </summary>
public sealed partial class SignatureDiscoveryConsumer(
    IImageStoreFactory stores, IKeyValueStore store, SignatureArtifactDiscovery discovery, TimeProvider time,
    ILogger<SignatureDiscoveryConsumer> logger) : IConsumer<ImagePushed>
{
    public async Task Consume(ConsumeContext<ImagePushed> context)
    {
        var pushed = context.Message;
        var digest = CosignTags.TryGetSubject(pushed.Tag, out var subject) ? subject : pushed.Digest;
        Activity.Current?.SetTag("gatehouse.digest", digest);
        SignatureDiscovery found;
        try
        {
            found = await discovery.DiscoverAsync(stores.ForRegistry(pushed.Registry), pushed.Registry, pushed.Repository, digest, context.CancellationToken);
        }
        catch (OciException ex) when (OciFailure.IsPermanent(ex))
        {
            await context.Publish(new ImageAnalysisFailed(digest, "signatures", ex.Message, false, time.GetUtcNow()));
            return;
        }
        await store.SetAsync(StoreKeys.SignatureArtifacts(digest), JsonSerializer.Serialize(found, SignerJsonContext.Default.SignatureDiscovery));
        LogDiscovered(logger, pushed.Repository, digest, found.Artifacts.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Signature discovery for {Repository}@{Digest}: {Count} artifacts")]
    private static partial void LogDiscovered(ILogger logger, string repository, string digest, int count);
}
