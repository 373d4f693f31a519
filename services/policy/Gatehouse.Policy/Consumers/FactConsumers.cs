using Gatehouse.Contracts.Messages;
using Gatehouse.Policy.Decisions;
using Gatehouse.Policy.Facts;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Policy.Consumers;

// Each consumer stores one fact for its digest (idempotently, tolerating any order) and decides the digest
// again under every profile. Deciding is idempotent too: an unchanged decision writes and publishes nothing.

/// <summary>Records the name a digest was pushed under (the registry rule needs it).</summary>
public sealed class ImagePushedConsumer(FactStore facts, DigestDecider decider, ILogger<ImagePushedConsumer> logger) : IConsumer<ImagePushed>
{
    public Task Consume(ConsumeContext<ImagePushed> context) =>
        FactConsumerGuard.RunAsync(nameof(ImagePushed), context.Message.Digest, logger, async () =>
        {
            await facts.AddReferenceAsync(context.Message);
            await decider.DecideAsync(context.Message.Digest, context, context.CancellationToken);
        });
}

public sealed class SbomGeneratedConsumer(FactStore facts, DigestDecider decider, ILogger<SbomGeneratedConsumer> logger) : IConsumer<SbomGenerated>
{
    public Task Consume(ConsumeContext<SbomGenerated> context) =>
        FactConsumerGuard.RunAsync(nameof(SbomGenerated), context.Message.Digest, logger, async () =>
        {
            await facts.PutSbomAsync(context.Message);
            await decider.DecideAsync(context.Message.Digest, context, context.CancellationToken);
        });
}

public sealed class VulnerabilitiesFoundConsumer(
    FactStore facts, ObservedVersions versions, RedecideRequests redecide, DigestDecider decider, ILogger<VulnerabilitiesFoundConsumer> logger)
    : IConsumer<VulnerabilitiesFound>
{
    public Task Consume(ConsumeContext<VulnerabilitiesFound> context) =>
        FactConsumerGuard.RunAsync(nameof(VulnerabilitiesFound), context.Message.Digest, logger, async () =>
        {
            var message = context.Message;
            await facts.PutVulnerabilitiesAsync(message);
            if (await versions.ObserveAdvisoryDataAsync(message.AdvisoryDataVersion, message.EvaluatedAt))
                redecide.Request($"advisory data version {message.AdvisoryDataVersion}");
            await decider.DecideAsync(message.Digest, context, context.CancellationToken);
        });
}

public sealed class SignaturesVerifiedConsumer(
    FactStore facts, ObservedVersions versions, RedecideRequests redecide, DigestDecider decider, ILogger<SignaturesVerifiedConsumer> logger)
    : IConsumer<SignaturesVerified>
{
    public Task Consume(ConsumeContext<SignaturesVerified> context) =>
        FactConsumerGuard.RunAsync(nameof(SignaturesVerified), context.Message.Digest, logger, async () =>
        {
            var message = context.Message;
            await facts.PutSignaturesAsync(message);
            if (await versions.ObserveTrustRootAsync(message.TrustRootVersion, message.VerifiedAt))
                redecide.Request($"trust root version {message.TrustRootVersion}");
            await decider.DecideAsync(message.Digest, context, context.CancellationToken);
        });
}

public sealed class ImageAnalysisFailedConsumer(FactStore facts, DigestDecider decider, ILogger<ImageAnalysisFailedConsumer> logger)
    : IConsumer<ImageAnalysisFailed>
{
    public Task Consume(ConsumeContext<ImageAnalysisFailed> context) =>
        FactConsumerGuard.RunAsync(nameof(ImageAnalysisFailed), context.Message.Digest, logger, async () =>
        {
            await facts.PutFailureAsync(context.Message);
            await decider.DecideAsync(context.Message.Digest, context, context.CancellationToken);
        });
}
