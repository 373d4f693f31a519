using Gatehouse.Contracts.Messages;
using Gatehouse.Policy.Model;

namespace Gatehouse.Admission.Review;

/// <summary>
/// The inventory feed's view of an admitted object: the workload that owns it, named without an API call, and the
/// digest of each container. A pod of a ReplicaSet made by a Deployment names the Deployment (the ReplicaSet's name
/// is the Deployment's plus the pod-template hash), and a Job made by a CronJob names the CronJob, so the admissions
/// of one workload's objects all replace the same inventory entry.
/// </summary>
public static class AdmittedWorkload
{
    /// <summary>The message for an admitted object, or null when no container's digest is known.</summary>
    public static WorkloadAdmitted? From(ReviewContext context, IReadOnlyList<ImageFinding> findings, IReadOnlyList<string> profiles, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(findings);
        List<AdmittedContainer>? containers = null;
        foreach (var finding in findings)
        {
            // Ephemeral debug containers do not change what the workload runs.
            if (finding.Digest is not { } digest || finding.Slot.Section == Wire.ContainerSection.EphemeralContainers) continue;
            (containers ??= []).Add(new AdmittedContainer(finding.Slot.ContainerName ?? "", finding.Slot.Image, digest));
        }
        if (containers is null) return null;
        var (kind, name) = Owner(context);
        return new WorkloadAdmitted(context.Namespace, kind, name, context.ObjectName, containers, profiles, now);
    }

    /// <summary>The owning workload's kind and name; the object itself when it has no controller.</summary>
    public static (string Kind, string Name) Owner(ReviewContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var kind = context.Kind.Kind ?? "Pod";
        var name = context.Request.Name ?? context.Object.Metadata?.Name ?? (context.Object.Metadata?.GenerateName ?? "") + "*";
        var controller = context.Object.Metadata?.OwnerReferences?.FirstOrDefault(o => o.Controller == true && o.Kind is not null && o.Name is not null);
        if (controller is not null)
        {
            (kind, name) = (controller.Kind!, controller.Name!);
            // A pod of a CronJob's Job: named as the watch names it when the API cannot be asked (admission never asks),
            // so one schedule is one workload rather than a new Job every run.
            if (kind == "Job" && WorkloadNaming.CronJobOf(name) is { } cronJob) return ("CronJob", cronJob);
        }
        if (kind == "ReplicaSet" && WorkloadNaming.DeploymentOf(name) is { } deployment) return ("Deployment", deployment);
        return (kind, name);
    }
}
