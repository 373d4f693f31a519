using System.Text.Json.Nodes;
using Gatehouse.Policy.Model;
using Gatehouse.Testing;

namespace Gatehouse.Policy.Tests;

/// <summary>Images of every workload kind, as `gatehouse policy test` reads them from manifests.</summary>
public sealed class WorkloadImagesTests
{
    [Theory]
    [InlineData("pod_creation_signed.json", "Pod", "containers[test-verify-image-signatures]=ghcr.io/kubewarden/test-verify-image-signatures:signed")]
    [InlineData("pod_creation_with_init_container.json", "Pod", "initContainers[init]=init,containers[nginx]=nginx")]
    [InlineData("deployment_creation_signed.json", "Deployment", "containers[test-verify-image-signatures]=ghcr.io/kubewarden/test-verify-image-signatures:signed")]
    [InlineData("replicaset_creation_signed.json", "ReplicaSet", "containers[test-verify-image-signatures]=ghcr.io/kubewarden/test-verify-image-signatures:signed")]
    [InlineData("statefulset_creation_signed.json", "StatefulSet", "containers[test-verify-image-signatures]=ghcr.io/kubewarden/test-verify-image-signatures:signed")]
    [InlineData("daemonset_creation_signed.json", "DaemonSet", "containers[test-verify-image-signatures]=ghcr.io/kubewarden/test-verify-image-signatures:signed")]
    [InlineData("job_creation_signed.json", "Job", "containers[test-verify-image-signatures]=ghcr.io/kubewarden/test-verify-image-signatures:signed")]
    [InlineData("replicationcontroller_creation_signed.json", "ReplicationController", "containers[test-verify-image-signatures]=ghcr.io/kubewarden/test-verify-image-signatures:signed")]
    [InlineData("cronjob_creation_unsigned.json", "CronJob", "containers[test-verify-image-signatures]=ghcr.io/kubewarden/test-verify-image-signatures:unsigned")]
    public void Every_workload_kind_yields_its_container_images(string file, string kind, string expected)
    {
        var request = JsonNode.Parse(File.ReadAllText(RepoPaths.TestData("admission", "kubewarden-requests", file)))!;
        var obj = request["object"]!.DeepClone().AsObject();
        // The recorded requests carry the kind beside the object, as AdmissionReview does.
        obj["kind"] = request["kind"]!["kind"]!.GetValue<string>();

        var images = WorkloadImages.FromObject(obj);

        Assert.Equal(kind, request["kind"]!["kind"]!.GetValue<string>());
        Assert.Equal(expected, string.Join(",", images.Select(i => $"{i.Container}={i.Image}")));
        Assert.All(images, i => Assert.StartsWith(kind + " ", i.Workload, StringComparison.Ordinal));
    }

    [Fact]
    public void Multi_document_manifests_and_lists_are_read_and_other_kinds_ignored()
    {
        const string manifests = """
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec: {ports: [{port: 80}]}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: shop}
            spec:
              template:
                spec:
                  containers: [{name: app, image: 'ghcr.io/acme/web:1.0'}]
                  ephemeralContainers: [{name: debug, image: busybox}]
            ---
            apiVersion: v1
            kind: List
            items:
              - {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: c, image: nginx}]}}
            """;

        var images = WorkloadImages.FromYaml(manifests, "app.yaml");

        Assert.Equal(["Deployment shop/web containers[app] ghcr.io/acme/web:1.0", "Deployment shop/web ephemeralContainers[debug] busybox", "Pod p containers[c] nginx"],
            images.Select(i => $"{i.Workload} {i.Container} {i.Image}"));
    }
}
