using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gatehouse.Contracts;
using Gatehouse.Contracts.Messages;
using Gatehouse.Oci;
using Gatehouse.ServiceDefaults.Store;
using Gatehouse.Signer.Discovery;
using Gatehouse.Signer.Verification;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Signer.Consumers;

/// <summary>
/// On every push, finds the signature artifacts of the image, verifies each against every trust authority, records
/// what was found and the verified attestations, and publishes <see cref="SignaturesVerified"/>. A push of a signature
/// artifact (a <c>.sig</c>/<c>.att</c>/referrers tag, or a manifest with a <c>subject</c>) re-verifies its subject image.
/// Idempotent: records are overwritten, and a push whose artifacts and trust root were already verified recently is
/// not published again. Transient registry and store errors are rethrown for retry; content that can never be read is
/// reported as <see cref="ImageAnalysisFailed"/>.
/// </summary>
public sealed partial class SignatureVerificationConsumer(
    IImageStoreFactory stores, IKeyValueStore store, SignatureArtifactDiscovery discovery, ImageSignatureVerifier verifier,
    TimeProvider time, ILogger<SignatureVerificationConsumer> logger) : IConsumer<ImagePushed>
{
    /// <summary>How long a published result suppresses re-publishing the same one (redelivery, repeated pushes).</summary>
    public static readonly TimeSpan FingerprintLifetime = TimeSpan.FromMinutes(10);

    public async Task Consume(ConsumeContext<ImagePushed> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var pushed = context.Message;
        var ct = context.CancellationToken;
        var images = stores.ForRegistry(pushed.Registry);
        var digest = pushed.Digest;
        Activity.Current?.SetTag("gatehouse.digest", digest).SetTag("gatehouse.repository", pushed.Repository);
        SignatureDiscovery found;
        LoadedSignatures loaded;
        try
        {
            digest = await SubjectOfAsync(images, pushed, ct);
            Activity.Current?.SetTag("gatehouse.signer.subject", digest);
            (found, loaded) = await discovery.LoadAsync(images, await discovery.FindAsync(images, pushed.Registry, pushed.Repository, digest, ct), ct);
        }
        catch (Exception ex) when ((ex is OciException oci && OciFailure.IsPermanent(oci)) || ex is FormatException)
        {
            await context.Publish(new ImageAnalysisFailed(digest, "signatures", ex.Message, false, time.GetUtcNow()), ct);
            return;
        }

        await store.SetAsync(StoreKeys.SignatureArtifacts(digest), JsonSerializer.Serialize(found, SignerJsonContext.Default.SignatureDiscovery));
        var fingerprintKey = SignerStoreKeys.VerificationFingerprint(pushed.Registry, pushed.Repository, digest);
        var fingerprint = Fingerprint(found, verifier.Authorities.Version);
        if (await store.GetAsync(fingerprintKey) == fingerprint)
        {
            LogAlreadyVerified(logger, pushed.Repository, digest);
            return;
        }

        var verification = verifier.Verify(digest, loaded, found.Artifacts.Count);
        await store.SetAsync(SignerStoreKeys.Attestations(digest), JsonSerializer.Serialize(verification.Attestations, SignerJsonContext.Default.AttestationSet));
        // Named by where it was looked up: policy keeps one result per repository of a digest.
        var result = verification.Result with { Registry = pushed.Registry, Repository = pushed.Repository };
        await context.Publish(result, ct);
        // Only after publishing: a crash in between means a redelivery publishes again, never that nothing is published.
        await store.SetAsync(fingerprintKey, fingerprint, FingerprintLifetime);
        LogVerified(logger, pushed.Repository, digest, found.Artifacts.Count, result.Signers.Count, result.Failures.Count);
    }

    /// <summary>The image a push is about: the subject of a signature artifact, else the pushed manifest itself.</summary>
    private static async Task<string> SubjectOfAsync(IImageStore images, ImagePushed pushed, CancellationToken ct)
    {
        if (CosignTags.TryGetSubject(pushed.Tag, out var subject))
        {
            return subject;
        }

        if (!OciMediaTypes.IsImageManifest(pushed.MediaType))
        {
            return pushed.Digest;
        }

        var content = await images.GetManifestAsync(pushed.Repository, pushed.Digest, ct);
        var manifest = ManifestParser.ParseManifest(content.Bytes, $"{pushed.Repository}@{pushed.Digest}");
        return manifest.Subject?.Digest is { } referred && ContentDigest.IsValid(referred) ? referred : pushed.Digest;
    }

    private static string Fingerprint(SignatureDiscovery found, string trustRootVersion)
    {
        var text = new StringBuilder(trustRootVersion);
        foreach (var artifact in found.Artifacts.OrderBy(a => a.Digest, StringComparer.Ordinal))
        {
            text.Append('\n').Append(artifact.Digest);
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Signatures of {Repository}@{Digest}: {Artifacts} artifacts, {Signers} verified signers, {Failures} failures")]
    private static partial void LogVerified(ILogger logger, string repository, string digest, int artifacts, int signers, int failures);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Signatures of {Repository}@{Digest} unchanged since the last verification; not published again")]
    private static partial void LogAlreadyVerified(ILogger logger, string repository, string digest);
}
