namespace Gatehouse.Admission.Wire;

/// <summary>Which list of a pod spec a container is in.</summary>
public enum ContainerSection { Containers, InitContainers, EphemeralContainers }

/// <summary>One container's image, with where it sits in the object (for messages and for the JSON patch).</summary>
public readonly record struct ImageSlot(string Image, ContainerSection Section, int Index, string? ContainerName, string PodSpecPointer)
{
    public string SectionName => Section switch
    {
        ContainerSection.InitContainers => "initContainers",
        ContainerSection.EphemeralContainers => "ephemeralContainers",
        _ => "containers",
    };

    /// <summary>RFC 6901 pointer to the image field, e.g. <c>/spec/template/spec/containers/0/image</c>.</summary>
    public string ImagePointer => $"{PodSpecPointer}/{SectionName}/{Index}/image";

    /// <summary>How a developer names the container in a message: <c>container "web"</c>, <c>init container "setup"</c>.</summary>
    public string Describe()
    {
        var name = ContainerName is null ? $"#{Index}" : $"\"{ContainerName}\"";
        return Section switch
        {
            ContainerSection.InitContainers => $"init container {name}",
            ContainerSection.EphemeralContainers => $"ephemeral container {name}",
            _ => $"container {name}",
        };
    }
}

/// <summary>
/// Where each workload kind keeps its pod spec, and the images in it. Only the level the kind defines is read:
/// a Pod's <c>spec.containers</c>, a Deployment's <c>spec.template.spec.containers</c>, a CronJob's
/// <c>spec.jobTemplate.spec.template.spec.containers</c>.
/// </summary>
public static class WorkloadImages
{
    private const string PodSpec = "/spec";
    private const string TemplatePodSpec = "/spec/template/spec";
    private const string JobTemplatePodSpec = "/spec/jobTemplate/spec/template/spec";

    /// <summary>True for kinds whose objects run containers (core and apps/batch groups only).</summary>
    public static bool IsWorkload(GroupVersionKind? kind) => PodSpecPointer(kind) is not null;

    /// <summary>The pod template's metadata (where controllers copy annotations from), or the object's own for a Pod.</summary>
    public static ObjectMeta? PodMetadata(GroupVersionKind kind, WorkloadObject obj) => PodSpecPointer(kind) switch
    {
        TemplatePodSpec => obj.Spec?.Template?.Metadata,
        JobTemplatePodSpec => obj.Spec?.JobTemplate?.Spec?.Template?.Metadata,
        _ => obj.Metadata,
    };

    /// <summary>Every container image of the object, in document order (containers, then init, then ephemeral).</summary>
    public static List<ImageSlot> Extract(GroupVersionKind kind, WorkloadObject obj)
    {
        var pointer = PodSpecPointer(kind) ?? throw new ArgumentException($"{kind.Kind} is not a workload kind", nameof(kind));
        var spec = pointer switch
        {
            TemplatePodSpec => obj.Spec?.Template?.Spec,
            JobTemplatePodSpec => obj.Spec?.JobTemplate?.Spec?.Template?.Spec,
            _ => obj.Spec,
        };
        var slots = new List<ImageSlot>((spec?.Containers?.Count ?? 0) + (spec?.InitContainers?.Count ?? 0));
        if (spec is null) return slots;
        Add(slots, spec.Containers, ContainerSection.Containers, pointer);
        Add(slots, spec.InitContainers, ContainerSection.InitContainers, pointer);
        Add(slots, spec.EphemeralContainers, ContainerSection.EphemeralContainers, pointer);
        return slots;
    }

    private static void Add(List<ImageSlot> slots, List<ContainerImage>? containers, ContainerSection section, string pointer)
    {
        if (containers is null) return;
        for (var i = 0; i < containers.Count; i++)
        {
            // A container without an image is the API server's to reject; an empty string is checked like any other.
            slots.Add(new ImageSlot(containers[i].Image ?? "", section, i, containers[i].Name, pointer));
        }
    }

    private static string? PodSpecPointer(GroupVersionKind? kind) => kind switch
    {
        { Group: null or "", Kind: "Pod" } => PodSpec,
        { Group: null or "", Kind: "ReplicationController" } => TemplatePodSpec,
        { Group: "apps", Kind: "Deployment" or "ReplicaSet" or "StatefulSet" or "DaemonSet" } => TemplatePodSpec,
        { Group: "batch", Kind: "Job" } => TemplatePodSpec,
        { Group: "batch", Kind: "CronJob" } => JobTemplatePodSpec,
        _ => null,
    };
}
