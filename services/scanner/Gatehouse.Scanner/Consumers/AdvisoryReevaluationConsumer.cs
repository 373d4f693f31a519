using System.Diagnostics;
using Gatehouse.Contracts.Messages;
using Gatehouse.Scanner.Vulnerabilities;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Scanner.Consumers;

/// <summary>
/// Continuous re-evaluation: on <see cref="AdvisoriesUpdated"/>, finds the images containing the changed packages in
/// the SBOM index and re-matches only those, from their stored SBOMs and cached VEX, publishing a
/// <see cref="VulnerabilitiesFound"/> (trigger "advisories") for each so policy re-decides them. Nothing is pulled
/// from a registry. An image whose stored SBOM is missing or inconsistent gets <see cref="ImageAnalysisFailed"/>;
/// store errors are rethrown for the retry policy, and a redelivery publishes only what was not announced yet.
/// </summary>
public sealed partial class AdvisoryReevaluationConsumer(
    AffectedImageReevaluator reevaluator, TimeProvider time, ILogger<AdvisoryReevaluationConsumer> logger) : IConsumer<AdvisoriesUpdated>
{
    public async Task Consume(ConsumeContext<AdvisoriesUpdated> context)
    {
        var update = context.Message;
        Activity.Current?.SetTag("gatehouse.advisories.dataVersion", update.DataVersion);
        var started = time.GetTimestamp();
        var summary = await reevaluator.ReevaluateAsync(
            update,
            found => context.Publish(found),
            (digest, failure) => context.Publish(new ImageAnalysisFailed(digest, VulnerabilityMatchConsumer.Facet, failure.FailureReason!,
                failure.Retryable, time.GetUtcNow())),
            context.CancellationToken);
        var milliseconds = time.GetElapsedTime(started).TotalMilliseconds;
        LogReevaluated(logger, update.Source, summary.Packages, summary.Images, summary.Published, summary.Unchanged, summary.Failed, milliseconds);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Advisories updated by {Source}: {Packages} packages, {Images} images re-evaluated ({Published} published, {Unchanged} unchanged, {Failed} failed) in {Milliseconds:F0} ms")]
    private static partial void LogReevaluated(ILogger logger, string source, int packages, int images, int published, int unchanged, int failed, double milliseconds);
}
