using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gatehouse.Policy.Inventory;

/// <summary>
/// One container of one running pod (or of an object admission admitted): the unit "where is it running" answers with.
/// Stored as compact JSON, and that exact text is the member of the digest's running set, so it must be deterministic.
/// </summary>
/// <param name="OwnerKind">The top owner: Deployment, StatefulSet, DaemonSet, CronJob, Job, ReplicaSet... or Pod when none.</param>
/// <param name="Pod">Pod name (for an admitted controller, its own name).</param>
/// <param name="Source"><c>watch</c> or <c>admission</c>.</param>
public sealed record WorkloadEntry(
    [property: JsonPropertyName("namespace")] string Namespace,
    [property: JsonPropertyName("ownerKind")] string OwnerKind,
    [property: JsonPropertyName("ownerName")] string OwnerName,
    [property: JsonPropertyName("pod")] string Pod,
    [property: JsonPropertyName("container")] string Container,
    [property: JsonPropertyName("node")] string? Node,
    [property: JsonPropertyName("image")] string Image,
    [property: JsonPropertyName("digest")] string Digest,
    [property: JsonPropertyName("since")] DateTimeOffset Since,
    [property: JsonPropertyName("source")] string Source)
{
    public const string FromWatch = "watch";
    public const string FromAdmission = "admission";

    public string ToJson() => JsonSerializer.Serialize(this, InventoryJsonContext.Default.WorkloadEntry);

    public static WorkloadEntry? FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, InventoryJsonContext.Default.WorkloadEntry);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

[JsonSerializable(typeof(WorkloadEntry))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class InventoryJsonContext : JsonSerializerContext;
