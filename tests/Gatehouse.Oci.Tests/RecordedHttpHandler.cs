using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Gatehouse.Contracts;

namespace Gatehouse.Oci.Tests;

/// <summary>
/// Replays a recorded conversation: each expected request (method + URL) gets its scripted response, in order.
/// An unexpected or out-of-order request fails the test with both sides shown; every request is kept for assertions.
/// </summary>
internal sealed class RecordedHttpHandler : HttpMessageHandler
{
    private readonly Queue<(HttpMethod Method, string Url, Func<RecordedRequest, HttpResponseMessage> Respond)> _script = new();

    public List<RecordedRequest> Requests { get; } = [];

    public int Remaining => _script.Count;

    public RecordedHttpHandler Expect(HttpMethod method, string url, Func<RecordedRequest, HttpResponseMessage> respond)
    {
        _script.Enqueue((method, url, respond));
        return this;
    }

    public RecordedHttpHandler Expect(HttpMethod method, string url, HttpStatusCode status, byte[]? body = null, string? contentType = null,
        params (string Name, string Value)[] headers) =>
        Expect(method, url, _ => Response(status, body, contentType, headers));

    /// <summary>The network fails for this request (connection refused, reset, …).</summary>
    public RecordedHttpHandler ExpectNetworkFailure(HttpMethod method, string url) =>
        Expect(method, url, _ => throw new HttpRequestException("connection reset by peer (recorded)"));

    public void AssertAllConsumed() =>
        Assert.True(_script.Count == 0, $"{_script.Count} recorded exchange(s) never requested; next: {(_script.Count > 0 ? _script.Peek().Url : "")}");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var recorded = new RecordedRequest(request.Method, request.RequestUri!, request.Headers.Authorization, request.Headers.Accept.Select(a => a.MediaType!).ToList(),
            request.Content?.Headers.ContentType?.MediaType, body);
        Requests.Add(recorded);
        if (_script.Count == 0)
        {
            throw new InvalidOperationException($"unexpected request {request.Method} {request.RequestUri}: the recording has ended");
        }

        var (method, url, respond) = _script.Dequeue();
        if (method != request.Method || url != request.RequestUri!.AbsoluteUri)
        {
            throw new InvalidOperationException($"expected {method} {url} but got {request.Method} {request.RequestUri}");
        }

        var response = respond(recorded);
        response.RequestMessage = request;
        return response;
    }

    public static HttpResponseMessage Response(HttpStatusCode status, byte[]? body = null, string? contentType = null, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new ByteArrayContent(body ?? []) };
        if (contentType is not null)
        {
            response.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        foreach (var (name, value) in headers)
        {
            if (!response.Headers.TryAddWithoutValidation(name, value))
            {
                response.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return response;
    }

    /// <summary>A manifest response as a registry sends it: media type and the Docker-Content-Digest of the body.</summary>
    public static HttpResponseMessage Manifest(byte[] body, string mediaType, string? digestHeader = null) =>
        Response(HttpStatusCode.OK, body, mediaType, ("Docker-Content-Digest", digestHeader ?? Sha256(body)));

    public static HttpResponseMessage Unauthorized(string challenge) =>
        Response(HttpStatusCode.Unauthorized, Encoding.UTF8.GetBytes("""{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"""),
            "application/json", ("WWW-Authenticate", challenge));

    public static string Sha256(byte[] content) => ContentDigest.ComputeSha256(content).ToString();
}

internal sealed record RecordedRequest(
    HttpMethod Method, Uri Uri, AuthenticationHeaderValue? Authorization, IReadOnlyList<string> Accept, string? ContentType, byte[]? Body);
