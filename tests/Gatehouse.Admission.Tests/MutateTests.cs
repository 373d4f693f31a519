using System.Text.Json.Nodes;
using static Gatehouse.Admission.Tests.DecisionSeed;

namespace Gatehouse.Admission.Tests;

/// <summary>The mutating webhook pins tags to the digests that were decided, and touches nothing else.</summary>
public sealed class MutateTests : IAsyncLifetime, IDisposable
{
    private readonly AdmissionFactory _factory = new();
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        await _factory.SeedAsync();
        _client = _factory.CreateClient();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _factory.Dispose();

    [Theory]
    [InlineData("pod_creation_signed", "/spec/containers/0/image")]
    [InlineData("deployment_creation_signed", "/spec/template/spec/containers/0/image")]
    [InlineData("statefulset_creation_signed", "/spec/template/spec/containers/0/image")]
    [InlineData("daemonset_creation_signed", "/spec/template/spec/containers/0/image")]
    [InlineData("replicaset_creation_signed", "/spec/template/spec/containers/0/image")]
    [InlineData("replicationcontroller_creation_signed", "/spec/template/spec/containers/0/image")]
    [InlineData("job_creation_signed", "/spec/template/spec/containers/0/image")]
    [InlineData("cronjob_creation_signed", "/spec/jobTemplate/spec/template/spec/containers/0/image")]
    public async Task Every_workload_kind_gets_its_image_pinned_at_the_right_path(string name, string path)
    {
        var answer = await _client.PostAsync("/mutate", Reviews.WrapShared(name));

        Assert.True(answer.Allowed);
        Assert.Equal("JSONPatch", answer.PatchType);
        var operation = Assert.Single(answer.Patch!);
        Assert.Equal("replace", (string?)operation!["op"]);
        Assert.Equal(path, (string?)operation["path"]);
        Assert.Equal("ghcr.io/kubewarden/test-verify-image-signatures@" + Signed, (string?)operation["value"]);

        // Applying the patch to the object yields exactly the pinned image where the tag was.
        var request = JsonNode.Parse(Reviews.WrapShared(name))!["request"]!["object"]!;
        Apply(request, answer.Patch!);
        Assert.Equal("ghcr.io/kubewarden/test-verify-image-signatures@" + Signed, (string?)Resolve(request, path));
    }

    [Fact]
    public async Task Init_containers_are_pinned_and_unknown_tags_are_left_with_a_warning()
    {
        var answer = await _client.MutateAsync(Reviews.Pod("prod-apps", ["nginx", "ghcr.io/kubewarden/test-verify-image-signatures:unsigned"],
            initImages: ["registry.example.com/tools/migrate:3"]));

        Assert.True(answer.Allowed);
        Assert.Equal(
            [("/spec/containers/0/image", "nginx@" + NginxLatest), ("/spec/containers/1/image", "ghcr.io/kubewarden/test-verify-image-signatures@" + Unsigned)],
            answer.Patch!.Select(o => ((string)o!["path"]!, (string)o["value"]!)).ToArray());
        Assert.Equal(["init container \"init-0\" image \"registry.example.com/tools/migrate:3\": not pinned to a digest (tag not yet seen by the registry watcher)"],
            answer.Warnings);
    }

    [Fact]
    public async Task Pinned_and_invalid_images_are_not_touched()
    {
        var answer = await _client.MutateAsync(Reviews.Pod("prod-apps", ["nginx:v1.26@" + NginxPinned, "NOT VALID"]));
        Assert.True(answer.Allowed);
        Assert.Null(answer.Patch);
        Assert.Null(answer.PatchType);
        Assert.Empty(answer.Warnings);
    }

    [Fact]
    public async Task A_registry_port_is_kept_and_the_tag_dropped()
    {
        await _factory.Store.SetAsync(Gatehouse.Contracts.StoreKeys.TagMap("127.0.0.1:5000", "demo/debian", "12"), Debian);
        var answer = await _client.MutateAsync(Reviews.Pod("dev-apps", ["127.0.0.1:5000/demo/debian:12"]));
        Assert.Equal("127.0.0.1:5000/demo/debian@" + Debian, (string?)Assert.Single(answer.Patch!)!["value"]);
    }

    [Fact]
    public async Task The_pinned_object_is_then_admitted_by_the_validating_webhook()
    {
        var pod = Reviews.Pod("prod-apps", ["ghcr.io/kubewarden/test-verify-image-signatures:signed"]);
        var mutated = await _client.MutateAsync(pod);
        Apply(pod["object"]!, mutated.Patch!);
        var validated = await _client.ValidateAsync(pod);
        Assert.True(validated.Allowed, validated.Json);
    }

    private static void Apply(JsonNode document, JsonArray patch)
    {
        foreach (var operation in patch)
        {
            Assert.Equal("replace", (string?)operation!["op"]);
            var path = (string)operation["path"]!;
            var cut = path.LastIndexOf('/');
            var parent = Resolve(document, path[..cut])!;
            var key = path[(cut + 1)..];
            Assert.NotNull(parent[key]); // replace requires the target to exist
            parent[key] = (string?)operation["value"];
        }
    }

    private static JsonNode? Resolve(JsonNode document, string pointer)
    {
        var node = document;
        foreach (var token in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
            node = node is JsonArray array ? array[int.Parse(token)] : node![token];
        return node;
    }
}
