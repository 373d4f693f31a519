using System.Diagnostics;
using Gatehouse.Contracts.Decisions;
using Gatehouse.Contracts.Messages;
using Gatehouse.Policy.Facts;
using Gatehouse.Policy.Model;
using Gatehouse.Policy.Sources;
using Gatehouse.ServiceDefaults;
using MassTransit;

namespace Gatehouse.Policy.Decisions;

/// <summary>
/// Decides one digest under every profile from the facts in the store. Safe to run concurrently for the same
/// digest, in one process (a striped lock) and across replicas: after writing, it re-reads the facts and decides
/// again if they changed meanwhile, so the last record written always reflects every fact stored before it.
/// </summary>
public sealed class DigestDecider(
    FactStore facts, IFindingReport findings, ObservedVersions versions, DecisionRecorder recorder, PolicySetHolder policies, TimeProvider time)
{
    public static readonly ActivitySource Source = GatehouseDiagnostics.CreateSource("Policy");
    private const int MaxRounds = 3;
    private static readonly SemaphoreSlim[] Stripes = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    /// <returns>The records now in the store, by profile (empty when the digest has no analysis facts yet).</returns>
    public async Task<IReadOnlyList<DecisionRecord>> DecideAsync(string digest, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        // Consumers may start before the first policy load; deciding under no policy would be wasted work.
        await policies.Loaded.WaitAsync(cancellationToken);
        using var activity = Source.StartActivity("policy decide");
        activity?.SetTag("gatehouse.digest", digest);
        var stripe = Stripes[(uint)StringComparer.Ordinal.GetHashCode(digest) % Stripes.Length];
        await stripe.WaitAsync(cancellationToken);
        try
        {
            IReadOnlyList<DecisionRecord> records = [];
            var snapshot = await facts.ReadAsync(digest);
            for (var round = 0; round < MaxRounds && snapshot.HasAnalysis; round++)
            {
                records = await DecideOnceAsync(snapshot, publisher, cancellationToken);
                var after = await facts.ReadAsync(digest);
                if (after.Fingerprint == snapshot.Fingerprint) break;
                snapshot = after;
            }
            activity?.SetTag("gatehouse.decisions", string.Join(",", records.Select(r => $"{r.Profile}={r.Status}")));
            return records;
        }
        finally
        {
            stripe.Release();
        }
    }

    private async Task<IReadOnlyList<DecisionRecord>> DecideOnceAsync(FactSnapshot snapshot, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        var imageFacts = await ImageFactsBuilder.BuildAsync(snapshot, findings, cancellationToken);
        var observed = await versions.ReadAsync();
        var now = time.GetUtcNow();
        var records = new List<DecisionRecord>();
        foreach (var policy in policies.Current.Policies)
        {
            var decision = ImagePolicyEvaluator.Evaluate(policy, imageFacts, now);
            var record = new DecisionRecord(snapshot.Digest, policy.Profile, decision.Status, decision.Reasons, policy.Generation,
                policy.Spec.Signatures is null ? "" : snapshot.Signatures?.TrustRootVersion ?? observed.TrustRoot,
                policy.Spec.Vulnerabilities is null ? "" : snapshot.Vulnerabilities?.AdvisoryDataVersion ?? observed.AdvisoryData,
                now, decision.ValidUntil, Activity.Current?.Id, "");
            records.Add(await recorder.RecordAsync(record, publisher, cancellationToken));
            if (policy.Spec.Promote && decision.Status == DecisionStatus.Allow && PromotionOf(snapshot, policy.Profile, now) is { } sign)
                await publisher.Publish(sign, cancellationToken);
        }
        return records;
    }

    /// <summary>
    /// The signing request for an image a promoting profile allowed, once there is evidence to attest (an SBOM and a
    /// report) and a repository to attach it in. Sent on every such decision: the signer remembers what it signed.
    /// </summary>
    private static SignImage? PromotionOf(FactSnapshot snapshot, string profile, DateTimeOffset now) =>
        snapshot is { Sbom: { } sbom, Vulnerabilities: { } vulnerabilities }
            ? new SignImage(sbom.Registry, sbom.Repository, snapshot.Digest, profile, sbom.SbomSha256, vulnerabilities.ReportRef,
                vulnerabilities.AdvisoryDataVersion, now)
            : null;
}
