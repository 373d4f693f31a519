using System.Collections.Concurrent;
using System.Net;
using Gatehouse.Policy.Model;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Gatehouse.Policy.Inventory;

/// <summary>The owner a workload is known by: Deployment for a ReplicaSet's pods, CronJob for a Job's pods.</summary>
public readonly record struct WorkloadOwner(string Kind, string Name);

/// <summary>Reads the controller owner of a ReplicaSet or Job; null when it has none or may not be read (a fake in tests).</summary>
public interface IOwnerLookup
{
    Task<WorkloadOwner?> ControllerOfAsync(string kind, string @namespace, string name, CancellationToken cancellationToken);
}

/// <summary>
/// Resolves a pod's controller to the top owner. ReplicaSet → Deployment and Job → CronJob are asked of the API server
/// (answers cached by namespace/kind/name, since thousands of pods share a handful of ReplicaSets); when it may not be
/// asked (a role without get on replicasets or jobs, an unreachable API) the naming conventions decide: a ReplicaSet named
/// <c>&lt;deployment&gt;-&lt;pod-template-hash&gt;</c>, a Job named <c>&lt;cronjob&gt;-&lt;scheduled minutes&gt;</c>.
/// </summary>
public sealed class OwnerResolver(IOwnerLookup lookup)
{
    private const int CacheLimit = 20_000;
    private readonly ConcurrentDictionary<string, WorkloadOwner?> _cache = new(StringComparer.Ordinal);

    public async Task<WorkloadOwner> ResolveAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var metadata = pod.Metadata;
        var controller = metadata?.OwnerReferences?.FirstOrDefault(o => o.Controller == true) ?? metadata?.OwnerReferences?.FirstOrDefault();
        if (controller is null) return new WorkloadOwner("Pod", metadata?.Name ?? "");
        var ns = metadata!.NamespaceProperty ?? "default";
        if (controller.Kind is not ("ReplicaSet" or "Job")) return new WorkloadOwner(controller.Kind, controller.Name);

        var key = $"{ns}/{controller.Kind}/{controller.Name}";
        if (!_cache.TryGetValue(key, out var parent))
        {
            parent = await lookup.ControllerOfAsync(controller.Kind, ns, controller.Name, cancellationToken) ?? ByConvention(controller, metadata);
            if (_cache.Count >= CacheLimit) _cache.Clear();
            _cache[key] = parent;
        }
        return parent ?? new WorkloadOwner(controller.Kind, controller.Name);
    }

    /// <summary>The owner the naming conventions imply, or null when the name does not follow them.</summary>
    public static WorkloadOwner? ByConvention(V1OwnerReference controller, V1ObjectMeta pod)
    {
        ArgumentNullException.ThrowIfNull(controller);
        ArgumentNullException.ThrowIfNull(pod);
        return controller.Kind switch
        {
            "ReplicaSet" when pod.Labels?.TryGetValue("pod-template-hash", out var hash) == true && hash.Length > 0
                => WorkloadNaming.DeploymentOf(controller.Name, hash) is { } deployment ? new WorkloadOwner("Deployment", deployment) : null,
            "Job" => WorkloadNaming.CronJobOf(controller.Name) is { } cronJob ? new WorkloadOwner("CronJob", cronJob) : null,
            _ => null,
        };
    }
}

/// <summary>The API server's answer; 403 and 404 mean "unknown" (the convention decides), anything else propagates.</summary>
public sealed class KubernetesOwnerLookup(IKubernetes client) : IOwnerLookup
{
    public async Task<WorkloadOwner?> ControllerOfAsync(string kind, string @namespace, string name, CancellationToken cancellationToken)
    {
        try
        {
            var owners = kind switch
            {
                "ReplicaSet" => (await client.AppsV1.ReadNamespacedReplicaSetAsync(name, @namespace, cancellationToken: cancellationToken)).Metadata?.OwnerReferences,
                "Job" => (await client.BatchV1.ReadNamespacedJobAsync(name, @namespace, cancellationToken: cancellationToken)).Metadata?.OwnerReferences,
                _ => null,
            };
            var owner = owners?.FirstOrDefault(o => o.Controller == true) ?? owners?.FirstOrDefault();
            return owner is null ? null : new WorkloadOwner(owner.Kind, owner.Name);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.Unauthorized)
        {
            return null;
        }
    }
}
