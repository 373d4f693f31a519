using System.Text.Json.Serialization;

namespace Gatehouse.Admission.Wire;

// admission.k8s.io/v1 AdmissionReview, reduced to what the webhook reads. Unknown fields are skipped by the
// source-generated reader without allocating, so a full Pod with managedFields costs little more than its images.

public sealed class AdmissionReviewRequest
{
    public string? ApiVersion { get; set; }

    public string? Kind { get; set; }

    public AdmissionRequest? Request { get; set; }
}

public sealed class AdmissionRequest
{
    public string? Uid { get; set; }

    public GroupVersionKind? Kind { get; set; }

    public string? SubResource { get; set; }

    public string? Name { get; set; }

    public string? Namespace { get; set; }

    /// <summary>CREATE, UPDATE, DELETE or CONNECT.</summary>
    public string? Operation { get; set; }

    public UserInfo? UserInfo { get; set; }

    public WorkloadObject? Object { get; set; }

    public bool? DryRun { get; set; }
}

public sealed class GroupVersionKind
{
    public string? Group { get; set; }

    public string? Version { get; set; }

    public string? Kind { get; set; }
}

public sealed class UserInfo
{
    public string? Username { get; set; }

    public List<string>? Groups { get; set; }
}

/// <summary>Any workload: a Pod, an object with a pod template, or a CronJob with a job template.</summary>
public sealed class WorkloadObject
{
    public ObjectMeta? Metadata { get; set; }

    public WorkloadSpec? Spec { get; set; }
}

public sealed class ObjectMeta
{
    public string? Name { get; set; }

    public string? GenerateName { get; set; }

    public string? Namespace { get; set; }

    public Dictionary<string, string>? Annotations { get; set; }

    public List<OwnerReference>? OwnerReferences { get; set; }
}

public sealed class OwnerReference
{
    public string? Kind { get; set; }

    public string? Name { get; set; }

    public bool? Controller { get; set; }
}

/// <summary>
/// The union of the spec shapes on the way to the containers: PodSpec (containers), the template-bearing specs
/// (template) and CronJobSpec (jobTemplate). Which level holds the containers depends on the kind.
/// </summary>
public sealed class WorkloadSpec
{
    public List<ContainerImage>? Containers { get; set; }

    public List<ContainerImage>? InitContainers { get; set; }

    public List<ContainerImage>? EphemeralContainers { get; set; }

    public WorkloadTemplate? Template { get; set; }

    public WorkloadTemplate? JobTemplate { get; set; }
}

public sealed class WorkloadTemplate
{
    public ObjectMeta? Metadata { get; set; }

    public WorkloadSpec? Spec { get; set; }
}

public sealed class ContainerImage
{
    public string? Name { get; set; }

    public string? Image { get; set; }
}

public sealed class AdmissionReviewResponse
{
    public string ApiVersion { get; init; } = "admission.k8s.io/v1";

    public string Kind { get; init; } = "AdmissionReview";

    public required AdmissionResponse Response { get; init; }
}

public sealed class AdmissionResponse
{
    public required string Uid { get; init; }

    public required bool Allowed { get; init; }

    public ResponseStatus? Status { get; init; }

    /// <summary>RFC 6902 patch; serialized as base64, as the API requires.</summary>
    public byte[]? Patch { get; init; }

    public string? PatchType { get; init; }

    public Dictionary<string, string>? AuditAnnotations { get; init; }

    public List<string>? Warnings { get; init; }
}

public sealed class ResponseStatus
{
    public int Code { get; init; }

    public string? Reason { get; init; }

    public string? Message { get; init; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(AdmissionReviewRequest))]
[JsonSerializable(typeof(AdmissionReviewResponse))]
public sealed partial class AdmissionJsonContext : JsonSerializerContext;
