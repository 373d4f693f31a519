using Gatehouse.Contracts.Messages;

namespace Gatehouse.Admission.Review;

/// <summary>
/// The inventory feed's view of an admitted object: the workload that owns it, named without an API call, and the
/// digest of each container. A pod of a ReplicaSet made by a Deployment names the Deployment (the ReplicaSet's name
/// is the Deployment's plus the pod-template hash), and a Job made by a CronJob names the CronJob, so the admissions
/// of one workload's objects all replace the same inventory entry.
/// </summary>
public static class AdmittedWorkload
{
    // Kubernetes' SafeEncodeString alphabet: the characters a pod-template hash is written with.
    private const string HashAlphabet = "bcdfghjklmnpqrstvwxz2456789";

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
            // A pod of a Job made by a CronJob names the Job: the CronJob is not visible from the pod.
            (kind, name) = (controller.Kind!, controller.Name!);
        }
        if (kind == "ReplicaSet" && DeploymentOf(name) is { } deployment) return ("Deployment", deployment);
        return (kind, name);
    }

    /// <summary><c>web</c> of <c>web-7d9c8f6b5</c>: the name minus a trailing pod-template hash, or null.</summary>
    public static string? DeploymentOf(string replicaSet)
    {
        var dash = replicaSet.LastIndexOf('-');
        if (dash <= 0 || replicaSet.Length - dash - 1 is < 5 or > 10) return null;
        for (var i = dash + 1; i < replicaSet.Length; i++)
        {
            if (!HashAlphabet.Contains(replicaSet[i], StringComparison.Ordinal)) return null;
        }
        return replicaSet[..dash];
    }
}
