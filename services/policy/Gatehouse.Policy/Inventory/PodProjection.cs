using k8s.Models;

namespace Gatehouse.Policy.Inventory;

/// <summary>
/// A pod as inventory entries: one per container whose image digest is known, either pinned in the reference
/// (<c>name@sha256:…</c>) or resolved by the kubelet (<c>status.containerStatuses[].imageID</c>) for tag-only images.
/// Finished pods (Succeeded, Failed) run nothing. A container whose digest is not known yet (image still pulling)
/// appears with the MODIFIED event that reports its imageID.
/// </summary>
public static class PodProjection
{
    public static string KeyOf(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return $"{pod.Metadata?.NamespaceProperty ?? "default"}/{pod.Metadata?.Name}";
    }

    public static IReadOnlyList<WorkloadEntry> Entries(V1Pod pod, WorkloadOwner owner)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (pod.Status?.Phase is "Succeeded" or "Failed") return [];
        var statuses = (pod.Status?.ContainerStatuses ?? [])
            .Concat(pod.Status?.InitContainerStatuses ?? [])
            .Concat(pod.Status?.EphemeralContainerStatuses ?? [])
            .GroupBy(s => s.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var containers = (pod.Spec?.Containers ?? []).Select(c => (c.Name, c.Image))
            .Concat((pod.Spec?.InitContainers ?? []).Select(c => (c.Name, c.Image)))
            .Concat((pod.Spec?.EphemeralContainers ?? []).Select(c => (c.Name, c.Image)));
        var podSince = pod.Status?.StartTime ?? pod.Metadata?.CreationTimestamp ?? DateTime.UnixEpoch;

        var entries = new List<WorkloadEntry>();
        foreach (var (name, image) in containers)
        {
            statuses.TryGetValue(name, out var status);
            if (DigestOf(image, status?.ImageID) is not { } digest) continue;
            var since = status?.State?.Running?.StartedAt ?? podSince;
            entries.Add(new WorkloadEntry(pod.Metadata?.NamespaceProperty ?? "default", owner.Kind, owner.Name, pod.Metadata?.Name ?? "",
                name, pod.Spec?.NodeName, image ?? "", digest, new DateTimeOffset(DateTime.SpecifyKind(since, DateTimeKind.Utc)),
                WorkloadEntry.FromWatch));
        }
        return entries;
    }

    /// <summary>The manifest digest from the reference, else from the imageID (<c>docker-pullable://repo@sha256:…</c>).</summary>
    /// <remarks>A bare <c>sha256:…</c> imageID is the image config's id under some runtimes, not the manifest digest: not used.</remarks>
    public static string? DigestOf(string? image, string? imageId)
    {
        foreach (var text in new[] { image, imageId })
        {
            var at = text?.LastIndexOf("@sha256:", StringComparison.Ordinal) ?? -1;
            if (at < 0) continue;
            var digest = text![(at + 1)..];
            if (digest.Length == "sha256:".Length + 64 && digest[7..].All(char.IsAsciiHexDigitLower)) return digest;
        }
        return null;
    }
}
