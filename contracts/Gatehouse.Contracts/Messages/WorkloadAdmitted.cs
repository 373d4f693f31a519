using MassTransit;

namespace Gatehouse.Contracts.Messages;

/// <summary>
/// Admission let a workload in: the runtime inventory's feed where the pod watch is not permitted or not synced.
/// Sent for the workload that owns the admitted object (a pod of a Deployment's ReplicaSet names the Deployment),
/// so every admission of one workload replaces the same inventory entry.
/// </summary>
/// <param name="OwnerKind">Deployment, StatefulSet, DaemonSet, CronJob, Job, ReplicaSet, ReplicationController or Pod.</param>
/// <param name="Object">What was admitted, e.g. <c>Pod/web-7d9c8-x2x</c> (for the trace and the log).</param>
/// <param name="Profiles">The profiles that governed the namespace: which decisions apply to what runs there.</param>
[MessageUrn("gatehouse:workload-admitted:v1")]
public sealed record WorkloadAdmitted(
    string Namespace,
    string OwnerKind,
    string OwnerName,
    string Object,
    IReadOnlyList<AdmittedContainer> Containers,
    IReadOnlyList<string> Profiles,
    DateTimeOffset AdmittedAt);
