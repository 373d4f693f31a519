using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Gatehouse.Oci.Registry;

/// <summary>
/// Sends registry requests with bounded timeouts, retries with backoff for 5xx, 429 and network errors,
/// and the WWW-Authenticate challenge flow (Basic, or Bearer tokens from the realm, cached per scope).
/// </summary>
internal sealed class RegistryTransport(
    HttpClient http, string registry, RegistryOptions settings, OciClientOptions options, RegistryTokenCache tokens, TimeProvider time)
{
    public string Registry => registry;

    public Uri BaseUri { get; } = RegistryEndpoint.BaseUri(registry, settings);

    /// <summary>
    /// Sends a request made by <paramref name="createRequest"/> (called once per attempt, so bodies can be replayed),
    /// authenticating for <paramref name="scope"/> when challenged. The caller owns the returned response.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> createRequest, string scope, CancellationToken cancellationToken)
    {
        var challenged = false;
        while (true)
        {
            var response = await SendWithRetriesAsync(
                () =>
                {
                    var request = createRequest();
                    request.Headers.Authorization = tokens.Find(registry, scope);
                    return request;
                },
                cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Unauthorized || challenged)
            {
                return response;
            }

            // Authenticate once per call: a second 401 means the credentials are not good enough.
            challenged = true;
            var challenges = AuthChallenge.FromResponse(response);
            response.Dispose();
            await AuthenticateAsync(challenges, scope, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Retries transient failures only; 4xx other than 429 are returned to the caller at once.</summary>
    public async Task<HttpResponseMessage> SendWithRetriesAsync(Func<HttpRequestMessage> createRequest, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var request = createRequest();
            HttpResponseMessage response;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(options.RequestTimeout);
                try
                {
                    response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    request.Dispose();
                    if (attempt >= options.MaxRetries)
                    {
                        var reason = e is OperationCanceledException ? $"no response within {options.RequestTimeout}" : e.Message;
                        throw new OciRegistryException(
                            $"{request.Method} {request.RequestUri} failed after {attempt + 1} attempt(s): {reason}", e);
                    }

                    await DelayAsync(attempt, null, cancellationToken).ConfigureAwait(false);
                    continue;
                }
            }

            if (!IsTransient(response.StatusCode) || attempt >= options.MaxRetries)
            {
                return response;
            }

            var retryAfter = response.Headers.RetryAfter;
            response.Dispose();
            request.Dispose();
            await DelayAsync(attempt, retryAfter, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsTransient(HttpStatusCode status) => status == HttpStatusCode.TooManyRequests || (int)status >= 500;

    private Task DelayAsync(int attempt, RetryConditionHeaderValue? retryAfter, CancellationToken cancellationToken)
    {
        var exponential = options.RetryBaseDelay * Math.Pow(2, attempt) * (0.8 + (Random.Shared.NextDouble() * 0.4));
        var requested = retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - time.GetUtcNow() : null);
        var delay = requested is { } r && r > exponential ? r : exponential;
        return Task.Delay(delay < options.MaxRetryDelay ? delay : options.MaxRetryDelay, time, cancellationToken);
    }

    private async Task AuthenticateAsync(IReadOnlyList<AuthChallenge> challenges, string scope, CancellationToken cancellationToken)
    {
        var bearer = challenges.FirstOrDefault(c => c.IsBearer);
        if (bearer is not null)
        {
            await FetchTokenAsync(bearer, scope, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (challenges.Any(c => c.IsBasic))
        {
            tokens.StoreBasic(registry, BasicCredentials() ?? throw new OciAuthenticationException(
                $"registry {registry} requires credentials; set {OciClientOptions.RegistriesSectionName}:<name>:Username and Password " +
                $"(with Host={registry} when the name is not the host)"));
            return;
        }

        throw new OciAuthenticationException(
            $"registry {registry} answered 401 without a Basic or Bearer challenge (got: {string.Join(", ", challenges.Select(c => c.Scheme))})");
    }

    private async Task FetchTokenAsync(AuthChallenge challenge, string scope, CancellationToken cancellationToken)
    {
        if (challenge["realm"] is not { } realm || !Uri.TryCreate(realm, UriKind.Absolute, out var realmUri)
            || realmUri.Scheme is not ("http" or "https"))
        {
            throw new OciAuthenticationException($"registry {registry} sent a Bearer challenge without a usable realm URL");
        }

        // Ask for our scope and the one the registry named (they differ when a push needs pull,push).
        var scopes = new[] { scope, challenge["scope"] }.OfType<string>().Where(s => s.Length > 0).Distinct();
        var query = new StringBuilder(realmUri.Query.Length > 1 ? realmUri.Query[1..] + "&" : "");
        if (challenge["service"] is { } service)
        {
            query.Append("service=").Append(Uri.EscapeDataString(service)).Append('&');
        }

        foreach (var s in scopes)
        {
            query.Append("scope=").Append(Uri.EscapeDataString(s)).Append('&');
        }

        var tokenUri = new UriBuilder(realmUri) { Query = query.ToString().TrimEnd('&') }.Uri;
        // Never hand credentials to a token realm over plain http unless that realm is local or the registry is insecure.
        var credentials = realmUri.Scheme == "https" || settings.Insecure || RegistryEndpoint.IsLoopback(realmUri.Authority)
            ? BasicCredentials()
            : null;
        using var response = await SendWithRetriesAsync(
            () => new HttpRequestMessage(HttpMethod.Get, tokenUri) { Headers = { Authorization = credentials } },
            cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new OciAuthenticationException(
                $"token endpoint {realmUri.GetLeftPart(UriPartial.Path)} refused {(credentials is null ? "anonymous" : "our")} " +
                $"access to {string.Join(" ", scopes)} with {(int)response.StatusCode} {response.ReasonPhrase}");
        }

        var body = await HttpBodies.ReadBoundedAsync(response, 1024 * 1024, options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        TokenResponse parsed;
        try
        {
            parsed = OciJson.Deserialize<TokenResponse>(body);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new OciAuthenticationException($"token endpoint for {registry} returned invalid JSON: {e.Message}", e);
        }

        var token = parsed.Token ?? parsed.AccessToken;
        if (string.IsNullOrEmpty(token))
        {
            throw new OciAuthenticationException($"token endpoint for {registry} returned no token");
        }

        // The token spec's default lifetime is 60 seconds.
        tokens.StoreToken(registry, scope, token, TimeSpan.FromSeconds(parsed.ExpiresIn is > 0 ? parsed.ExpiresIn.Value : 60));
    }

    private AuthenticationHeaderValue? BasicCredentials() =>
        settings.Username is null || settings.Password is null
            ? null
            : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.Username}:{settings.Password}")));
}
