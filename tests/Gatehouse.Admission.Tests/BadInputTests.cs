using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Gatehouse.Admission.Tests;

/// <summary>Malformed input is a 400 with the reason, never a 500; requests that are not ours pass untouched.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly AdmissionFactory _factory = new();
    private readonly HttpClient _client;

    public BadInputTests() => _client = _factory.CreateClient();

    public void Dispose() => _factory.Dispose();

    private async Task<(HttpStatusCode Status, string Detail)> PostRawAsync(string path, string body)
    {
        using var response = await _client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.StatusCode == HttpStatusCode.OK ? text : (string?)JsonNode.Parse(text)?["detail"] ?? text);
    }

    [Theory]
    [InlineData("/validate")]
    [InlineData("/mutate")]
    public async Task Not_JSON_is_a_400_with_the_parser_position(string path)
    {
        var (status, detail) = await PostRawAsync(path, "apiVersion: admission.k8s.io/v1");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("body is not an AdmissionReview in JSON: ", detail, StringComparison.Ordinal);
        Assert.Contains("LineNumber: 0", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "body is not an AdmissionReview in JSON")]
    [InlineData("null", "body is JSON null, not an AdmissionReview")]
    [InlineData("[]", "body is not an AdmissionReview in JSON")]
    [InlineData("""{"apiVersion":"v1","kind":"Pod"}""", "kind is 'Pod', expected 'AdmissionReview'")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{"uid":"u"}}""", "apiVersion is 'admission.k8s.io/v1beta1', expected 'admission.k8s.io/v1'")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}""", "AdmissionReview has no request")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"operation":"CREATE"}}""", "request.uid is missing")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"kind":"Pod"}}}""", "request.operation is missing")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","operation":"CREATE"}}""", "request.kind is missing")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","operation":"CREATE","kind":{"kind":"Pod"}}}""", "request.object is missing for CREATE of Pod")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","operation":"CREATE","kind":{"kind":"Pod"},"object":{"spec":{"containers":"nginx"}}}}""", "body is not an AdmissionReview in JSON: The JSON value could not be converted")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","operation":"CREATE","kind":{"kind":"Pod"},"object":{"spec":{"containers":[{"image":7}]}}}}""", "body is not an AdmissionReview in JSON")]
    public async Task Malformed_reviews_are_a_400_with_the_reason(string body, string reason)
    {
        var (status, detail) = await PostRawAsync("/validate", body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith(reason, detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_before_it_is_parsed()
    {
        var huge = new string(' ', 5 * 1024 * 1024);
        var (status, detail) = await PostRawAsync("/validate", huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("exceeds the limit of 4194304 bytes", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DELETE", "Pod", "", null)]
    [InlineData("CONNECT", "Pod", "", "exec")]
    [InlineData("CREATE", "ConfigMap", "", null)]
    [InlineData("CREATE", "Deployment", "extensions", null)]
    [InlineData("UPDATE", "Pod", "", "status")]
    public async Task Requests_that_run_no_new_image_are_allowed_untouched(string operation, string kind, string group, string? subResource)
    {
        // No object at all: nothing of it may be read for these.
        var request = new JsonObject
        {
            ["uid"] = "u-1",
            ["kind"] = new JsonObject { ["group"] = group, ["version"] = "v1", ["kind"] = kind },
            ["operation"] = operation,
            ["subResource"] = subResource,
        };
        foreach (var path in new[] { "/validate", "/mutate" })
        {
            var answer = await _client.PostAsync(path, Reviews.Wrap(request));
            Assert.True(answer.Allowed);
            Assert.Equal("u-1", answer.Uid);
            Assert.Null(answer.Message);
            Assert.Null(answer.Patch);
            Assert.Empty(answer.Warnings);
        }
    }

    [Fact]
    public async Task Ephemeral_containers_added_to_a_running_pod_are_checked()
    {
        var request = new JsonObject
        {
            ["uid"] = "eph",
            ["kind"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["kind"] = "Pod" },
            ["operation"] = "UPDATE",
            ["subResource"] = "ephemeralcontainers",
            ["namespace"] = "prod-apps",
            ["object"] = JsonNode.Parse("""
                {"metadata":{"name":"web"},"spec":{"containers":[{"name":"app","image":"registry.example.com/shop/api@sha256:4444444444444444444444444444444444444444444444444444444444444444"}],
                 "ephemeralContainers":[{"name":"debugger","image":"quay.io/tools/busybox:1"}]}}
                """),
        };
        var answer = await _client.ValidateAsync(request);
        Assert.False(answer.Allowed);
        Assert.Contains("ephemeral container \"debugger\" image \"quay.io/tools/busybox:1\": quay.io/tools/busybox is not in an approved registry",
            answer.Message, StringComparison.Ordinal);
    }
}
