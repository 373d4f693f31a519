using System.Text.Json.Nodes;

namespace Gatehouse.Policy.Model;

/// <summary>One container image named by a Kubernetes object.</summary>
/// <param name="Workload"><c>Deployment default/web</c>.</param>
/// <param name="Container"><c>containers[app]</c>, <c>initContainers[migrate]</c>, <c>ephemeralContainers[debug]</c>.</param>
public sealed record WorkloadImage(string Workload, string? Namespace, string Container, string Image);

/// <summary>
/// The images of Pods and of every pod-template kind (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job,
/// ReplicationController, CronJob), from manifests as CI has them (multi-document YAML, <c>kind: List</c>).
/// </summary>
public static class WorkloadImages
{
    private static readonly string[] TemplateKinds = ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "ReplicationController"];
    private static readonly string[] ContainerLists = ["initContainers", "containers", "ephemeralContainers"];

    public static IReadOnlyList<WorkloadImage> FromYaml(string text, string source)
    {
        var images = new List<WorkloadImage>();
        foreach (var document in YamlJson.Parse(text, source)) Collect(document.Root, images);
        return images;
    }

    public static IReadOnlyList<WorkloadImage> FromObject(JsonNode? obj)
    {
        var images = new List<WorkloadImage>();
        Collect(obj, images);
        return images;
    }

    private static void Collect(JsonNode? node, List<WorkloadImage> images)
    {
        if (node is not JsonObject obj) return;
        var kind = obj["kind"]?.ToString() ?? "";
        if (kind.EndsWith("List", StringComparison.Ordinal) && obj["items"] is JsonArray items)
        {
            foreach (var item in items) Collect(item, images);
            return;
        }
        var podSpec = kind switch
        {
            "Pod" => obj["spec"],
            "CronJob" => obj["spec"]?["jobTemplate"]?["spec"]?["template"]?["spec"],
            _ when TemplateKinds.Contains(kind, StringComparer.Ordinal) => obj["spec"]?["template"]?["spec"],
            _ => null,
        };
        if (podSpec is not JsonObject spec) return;
        var ns = obj["metadata"]?["namespace"]?.ToString();
        var workload = $"{kind} {(ns is null ? "" : ns + "/")}{obj["metadata"]?["name"]?.ToString() ?? "?"}";
        foreach (var list in ContainerLists)
        {
            foreach (var container in spec[list] as JsonArray ?? [])
            {
                if (container?["image"]?.ToString() is { Length: > 0 } image)
                    images.Add(new WorkloadImage(workload, ns, $"{list}[{container["name"]?.ToString() ?? "?"}]", image));
            }
        }
    }
}
