using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gatehouse.Contracts;
using Gatehouse.Contracts.Messages;
using Gatehouse.Oci;
using Gatehouse.ServiceDefaults.Store;
using Gatehouse.Signer.Signing;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Signer.Consumers;

/// <summary>
/// Signs an image a promoting profile allowed (<see cref="SignImage"/>): a cosign signature, a CycloneDX attestation
/// of its stored SBOM and a cosign vuln attestation of its stored report. Idempotent: the evidence signed last is
/// remembered per digest, so redelivery — and the re-decision the pushed signature itself causes — signs nothing
/// twice. Missing evidence or an unconfigured key is logged, not retried and not published as an analysis failure:
/// a new fact would make policy decide — and ask — again, for ever.
/// </summary>
public sealed partial class ImageSigningConsumer(
    IImageStoreFactory stores, IKeyValueStore store, PromotedImageSigner signer, ILogger<ImageSigningConsumer> logger)
    : IConsumer<SignImage>
{
    public const string ScannerUri = "pkg:github/gatehouse/scanner";
    public const string DatabaseUri = "https://osv.dev";

    public async Task Consume(ConsumeContext<SignImage> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Message;
        Activity.Current?.SetTag("gatehouse.digest", request.Digest).SetTag("gatehouse.repository", request.Repository);
        var evidenceKey = $"{request.SbomSha256}|{request.AdvisoryDataVersion}";
        if (await store.GetAsync(SignerStoreKeys.Promotion(request.Digest)) == evidenceKey)
        {
            LogAlreadySigned(logger, request.Repository, request.Digest);
            return;
        }

        var sbom = await store.GetAsync(StoreKeys.Sbom(request.Digest));
        var report = await store.GetAsync(request.ReportRef);
        var problem = sbom is null ? "the SBOM is not stored"
            : !string.Equals(Sha256(sbom), request.SbomSha256, StringComparison.OrdinalIgnoreCase) ? "the stored SBOM is not the one policy decided on"
            : report is null ? $"the vulnerability report {request.ReportRef} is not stored"
            : null;
        if (problem is not null)
        {
            await FailAsync(context, $"not signed: {problem}");
            return;
        }

        var evaluatedAt = EvaluatedAt(report!) ?? request.RequestedAt;
        var evidence = new PromotionEvidence(Encoding.UTF8.GetBytes(sbom!),
            new VulnerabilityScan(ScannerUri, typeof(ImageSigningConsumer).Assembly.GetName().Version?.ToString() ?? "0",
                DatabaseUri, request.AdvisoryDataVersion, Encoding.UTF8.GetBytes(report!), evaluatedAt, evaluatedAt),
            new Dictionary<string, string> { ["gatehouse.dev/promoted-by"] = request.Profile });
        try
        {
            var images = stores.ForRegistry(request.Registry);
            var result = await signer.SignAsync(images, request.Repository, request.Digest, $"{request.Registry}/{request.Repository}", evidence, context.CancellationToken);
            await store.SetAsync(SignerStoreKeys.Promotion(request.Digest), evidenceKey);
            LogSigned(logger, request.Repository, request.Digest, request.Profile, result.KeyId, result.PredicateTypes.Count);
        }
        catch (SigningKeyException ex)
        {
            await FailAsync(context, ex.Message);
        }
        catch (OciException ex) when (OciFailure.IsPermanent(ex))
        {
            await FailAsync(context, ex.Message);
        }
    }

    private Task FailAsync(ConsumeContext<SignImage> context, string reason)
    {
        LogFailed(logger, context.Message.Digest, reason);
        return Task.CompletedTask;
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static DateTimeOffset? EvaluatedAt(string report)
    {
        try
        {
            using var document = JsonDocument.Parse(report);
            return document.RootElement.TryGetProperty("evaluatedAt", out var at) && at.TryGetDateTimeOffset(out var value) ? value : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Repository}@{Digest} is already signed with this evidence")]
    private static partial void LogAlreadySigned(ILogger logger, string repository, string digest);

    [LoggerMessage(Level = LogLevel.Information, Message = "Signed {Repository}@{Digest} promoted by {Profile} with key {KeyId} and {Attestations} attestations")]
    private static partial void LogSigned(ILogger logger, string repository, string digest, string profile, string keyId, int attestations);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Signing {Digest} failed for good: {Reason}")]
    private static partial void LogFailed(ILogger logger, string digest, string reason);
}
