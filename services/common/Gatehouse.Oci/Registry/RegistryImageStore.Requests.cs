using System.Net;
using System.Net.Http.Headers;
using Gatehouse.Contracts;

namespace Gatehouse.Oci.Registry;

// Request plumbing: URLs, scopes, Accept headers, error mapping and digest checks.
public sealed partial class RegistryImageStore
{
    private static readonly string[] AcceptManifests = [.. OciMediaTypes.AcceptedManifestTypes];

    private static string Pull(string repository) => $"repository:{repository}:pull";

    private static string Push(string repository) => $"repository:{repository}:pull,push";

    /// <summary>Validates a repository path (and normalizes docker.io official names) so it is safe to put in a URL.</summary>
    private string Repo(string repository) => ImageReference.Create(Registry, repository).Repository;

    /// <summary>A tag or a digest, validated.</summary>
    private string Ref(string repository, string reference)
    {
        if (!ContentDigest.IsValid(reference))
        {
            _ = ImageReference.Create(Registry, repository, tag: reference);
        }

        return reference;
    }

    private Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string relativeUrl, string scope, IReadOnlyList<string>? accept, Func<HttpContent>? content, CancellationToken cancellationToken)
    {
        var uri = new Uri(_transport.BaseUri, relativeUrl);
        return SendAsync(method, uri, scope, accept, content, cancellationToken);
    }

    private Task<HttpResponseMessage> SendAsync(
        HttpMethod method, Uri uri, string scope, IReadOnlyList<string>? accept, Func<HttpContent>? content, CancellationToken cancellationToken) =>
        _transport.SendAsync(
            () =>
            {
                var request = new HttpRequestMessage(method, uri) { Content = content?.Invoke() };
                foreach (var type in accept ?? [])
                {
                    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
                }

                return request;
            },
            scope,
            cancellationToken);

    /// <summary>Maps an error status to the exception that says what went wrong, with the registry's error codes.</summary>
    private async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        IReadOnlyList<RegistryError> errors = [];
        if (response.RequestMessage?.Method != HttpMethod.Head)
        {
            try
            {
                var body = await HttpBodies.ReadBoundedAsync(response, 64 * 1024, _options.RequestTimeout, cancellationToken).ConfigureAwait(false);
                errors = OciJson.Deserialize<RegistryErrorList>(body).Errors ?? [];
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or OciException or HttpRequestException)
            {
                // Not every error body is the distribution JSON; the status alone still tells the story.
            }
        }

        var codes = errors.Select(e => e.Code ?? "").Where(c => c.Length > 0).ToList();
        var detail = errors.Count == 0 ? "" : ": " + string.Join("; ", errors.Select(e => $"{e.Code} {e.Message}".Trim()));
        var message = $"{what} on {Registry}: {(int)response.StatusCode} {response.ReasonPhrase}{detail}";
        throw response.StatusCode switch
        {
            HttpStatusCode.NotFound => new OciNotFoundException(message),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new OciAuthenticationException(message),
            _ => new OciRegistryException(message, response.StatusCode, codes),
        };
    }

    private static string? DigestHeader(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.FirstOrDefault()?.Trim() : null;

    /// <summary>
    /// The digest of manifest bytes, checked against the digest we asked for (if any) and the Docker-Content-Digest
    /// header (if sent): a registry or proxy that serves other bytes than it claims is caught here.
    /// </summary>
    private static string VerifyManifestDigest(HttpResponseMessage response, byte[] bytes, string reference, string what)
    {
        var computed = ContentDigest.ComputeSha256(bytes);
        if (ContentDigest.TryParse(reference, out var requested, out _))
        {
            computed = requested.ComputeSameAlgorithm(bytes);
            if (computed != requested)
            {
                throw new DigestMismatchException(requested.ToString(), computed.ToString(), what);
            }
        }

        if (DigestHeader(response) is { } header)
        {
            if (!ContentDigest.TryParse(header, out var announced, out var error))
            {
                throw new DigestMismatchException($"{what}: the Docker-Content-Digest header is invalid: {error}");
            }

            var actual = announced.ComputeSameAlgorithm(bytes);
            if (actual != announced)
            {
                throw new DigestMismatchException(announced.ToString(), actual.ToString(), $"{what} (Docker-Content-Digest header)");
            }
        }

        return computed.ToString();
    }

    /// <summary>The next page from a <c>Link: &lt;url&gt;; rel="next"</c> header, if any.</summary>
    private Uri? NextPage(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var links))
        {
            return null;
        }

        foreach (var link in links)
        {
            var open = link.IndexOf('<', StringComparison.Ordinal);
            var close = link.IndexOf('>', StringComparison.Ordinal);
            if (open >= 0 && close > open && link[close..].Contains("rel=\"next\"", StringComparison.OrdinalIgnoreCase))
            {
                return new Uri(_transport.BaseUri, link[(open + 1)..close]);
            }
        }

        return null;
    }
}
