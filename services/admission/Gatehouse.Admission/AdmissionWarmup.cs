using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Gatehouse.Admission.Profiles;
using Gatehouse.Admission.Review;
using Gatehouse.Admission.Wire;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gatehouse.Admission;

/// <summary>
/// Runs synthetic dry-run reviews through the whole path (parse, profiles, cache lookup, compose, serialize) at
/// start, so the API server's first real requests do not pay for JIT compilation against the deadline. Readiness
/// stays unhealthy until it is done. Dry runs have no side effects; unknown digests only cost Redis reads.
/// </summary>
internal sealed partial class AdmissionWarmup(
    AdmissionReviewer reviewer, ProfileDirectory profiles, IOptions<AdmissionOptions> options, ILogger<AdmissionWarmup> logger)
    : BackgroundService, IHealthCheck
{
    /// <summary>A store that is down at start must not hold readiness back for long.</summary>
    private static readonly TimeSpan MaxDuration = TimeSpan.FromSeconds(5);
    private volatile bool _done;

    private static readonly byte[] Sample = Encoding.UTF8.GetBytes("""
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"warmup","kind":{"group":"","version":"v1","kind":"Pod"},
        "namespace":"gatehouse-warmup","operation":"CREATE","dryRun":true,"userInfo":{"username":"gatehouse:warmup","groups":["system:authenticated"]},
        "object":{"metadata":{"name":"warmup","labels":{"app":"warmup"}},"spec":{"containers":[
        {"name":"a","image":"registry.invalid/warmup/app:1","env":[{"name":"A","value":"1"}]},
        {"name":"b","image":"registry.invalid/warmup/app@sha256:0000000000000000000000000000000000000000000000000000000000000000"}]}}}}
        """);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_done ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("admission is warming up"));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var rounds = options.Value.WarmupRounds;
            var governing = profiles.Profiles.Values.ToList();
            for (var i = 0; i < rounds && clock.Elapsed < MaxDuration && !stoppingToken.IsCancellationRequested; i++)
            {
                var review = JsonSerializer.Deserialize(Sample, AdmissionJsonContext.Default.AdmissionReviewRequest)!;
                var context = new ReviewContext(review.Request!, review.Request!.Kind!, review.Request.Object!, Stopwatch.GetTimestamp());
                // Every profile at once, whichever namespaces they select, so each profile's path is compiled.
                var validated = await reviewer.ValidateAsync(context, governing, null, stoppingToken);
                var mutated = await reviewer.MutateAsync(context, governing, null, stoppingToken);
                JsonSerializer.SerializeToUtf8Bytes(new AdmissionReviewResponse { Response = validated }, AdmissionJsonContext.Default.AdmissionReviewResponse);
                JsonSerializer.SerializeToUtf8Bytes(new AdmissionReviewResponse { Response = mutated }, AdmissionJsonContext.Default.AdmissionReviewResponse);
            }
            LogWarm(logger, clock.Elapsed.TotalMilliseconds);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // Warming up is an optimisation: a failure must not keep the webhook out of service.
            LogWarmupFailed(logger, ex);
        }
        finally
        {
            _done = true;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Admission path warmed up in {Milliseconds:F0} ms")]
    private static partial void LogWarm(ILogger logger, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admission warm-up failed; serving anyway")]
    private static partial void LogWarmupFailed(ILogger logger, Exception ex);
}
