using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Testing;

namespace Gatehouse.Admission.Tests;

/// <summary>The answer of one webhook call, read back from the AdmissionReview JSON.</summary>
public sealed record ReviewAnswer(
    string Uid, bool Allowed, int? Code, string? Message, IReadOnlyList<string> Warnings,
    IReadOnlyDictionary<string, string> AuditAnnotations, string? PatchType, JsonArray? Patch, string Json)
{
    public static ReviewAnswer Parse(string json)
    {
        var root = JsonNode.Parse(json)!;
        Assert.Equal("admission.k8s.io/v1", (string?)root["apiVersion"]);
        Assert.Equal("AdmissionReview", (string?)root["kind"]);
        var response = root["response"]!;
        var patch = (string?)response["patch"] is { } b64 ? JsonNode.Parse(Convert.FromBase64String(b64))!.AsArray() : null;
        return new ReviewAnswer(
            (string)response["uid"]!,
            (bool)response["allowed"]!,
            (int?)response["status"]?["code"],
            (string?)response["status"]?["message"],
            [.. response["warnings"]?.AsArray().Select(w => (string)w!) ?? []],
            response["auditAnnotations"]?.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!) ?? [],
            (string?)response["patchType"],
            patch,
            json);
    }
}

/// <summary>Builds AdmissionReview requests and posts them.</summary>
public static class Reviews
{
    public static readonly string[] SharedRequestNames =
    [
        "cronjob_creation_signed", "cronjob_creation_unsigned", "daemonset_creation_signed", "deployment_creation_signed",
        "deployment_creation_unsigned", "job_creation_signed", "pod_creation_signed", "pod_creation_signed_with_keyless_mode",
        "pod_creation_unsigned", "pod_creation_with_digest", "pod_creation_with_init_container", "replicaset_creation_signed",
        "replicationcontroller_creation_signed", "statefulset_creation_signed",
    ];

    /// <summary>A kubewarden AdmissionRequest file wrapped in the AdmissionReview the API server would send.</summary>
    public static string WrapShared(string name)
    {
        var request = JsonNode.Parse(File.ReadAllText(RepoPaths.TestData("admission", "kubewarden-requests", name + ".json")));
        return Wrap(request!);
    }

    public static string Wrap(JsonNode request) =>
        new JsonObject { ["apiVersion"] = "admission.k8s.io/v1", ["kind"] = "AdmissionReview", ["request"] = request.DeepClone() }.ToJsonString();

    /// <summary>A Pod CREATE with the given images, namespace, user and annotations.</summary>
    public static JsonObject Pod(
        string? ns, string[] images, string[]? initImages = null, string user = "alice", string[]? groups = null,
        Dictionary<string, string>? annotations = null, bool dryRun = false, string uid = "pod-uid-1", JsonArray? ownerReferences = null)
    {
        var metadata = new JsonObject { ["name"] = "web" };
        if (annotations is not null) metadata["annotations"] = new JsonObject([.. annotations.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value))]);
        if (ownerReferences is not null) metadata["ownerReferences"] = ownerReferences;
        var spec = new JsonObject { ["containers"] = Containers("app", images) };
        if (initImages is not null) spec["initContainers"] = Containers("init", initImages);
        var request = new JsonObject
        {
            ["uid"] = uid,
            ["kind"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["kind"] = "Pod" },
            ["resource"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["resource"] = "pods" },
            ["name"] = "web",
            ["operation"] = "CREATE",
            ["userInfo"] = new JsonObject
            {
                ["username"] = user,
                ["groups"] = new JsonArray([.. (groups ?? ["system:authenticated"]).Select(g => (JsonNode?)g)]),
            },
            ["object"] = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["metadata"] = metadata, ["spec"] = spec },
            ["dryRun"] = dryRun,
        };
        if (ns is not null) request["namespace"] = ns;
        return request;
    }

    private static JsonArray Containers(string prefix, string[] images) =>
        new([.. images.Select((image, i) => (JsonNode?)new JsonObject { ["name"] = $"{prefix}-{i}", ["image"] = image })]);

    public static async Task<ReviewAnswer> PostAsync(this HttpClient client, string path, string body)
    {
        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode}: {text}");
        return ReviewAnswer.Parse(text);
    }

    public static Task<ReviewAnswer> ValidateAsync(this HttpClient client, JsonNode request) => client.PostAsync("/validate", Wrap(request));

    public static Task<ReviewAnswer> MutateAsync(this HttpClient client, JsonNode request) => client.PostAsync("/mutate", Wrap(request));

    /// <summary>Re-indents JSON so golden files compare independently of the writer's whitespace.</summary>
    public static string Canonical(string json) =>
        JsonNode.Parse(json)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }).ReplaceLineEndings("\n") + "\n";
}
