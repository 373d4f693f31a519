using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Gatehouse.Policy.Api;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;
using Gatehouse.Testing;

namespace Gatehouse.Policy.Tests.Api;

/// <summary>
/// The policy service's HTTP API behind its authentication: bearer tokens or the dashboard's cookie, 401 with the
/// reason otherwise, sign-in and sign-out from the browser, mode none only when configured, start-up validation.
/// </summary>
public sealed class ApiAuthTests : IDisposable
{
    private const string Token = PolicyServiceFactory.ApiToken;
    private readonly PolicyServiceFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private HttpClient Client() => _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    private static async Task<string> DetailAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("detail").GetString()!;
    }

    [Theory]
    [InlineData("/api/where?q=openssl")]
    [InlineData("/api/dashboard/images")]
    [InlineData("/api/dashboard/session")]
    public async Task Without_a_token_the_api_answers_401_with_the_reason(string path)
    {
        using var http = Client();
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer realm=\"gatehouse\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("no API token: send 'Authorization: Bearer <token>', or sign in at /dashboard/login", await DetailAsync(response));
    }

    [Theory]
    [InlineData("Bearer", "not-the-token-0123456789", "the bearer token is not accepted")]
    [InlineData("Bearer", Token + "x", "the bearer token is not accepted")]
    [InlineData("Basic", "dXNlcjpwYXNz", "the Authorization header is not a bearer token ('Authorization: Bearer <token>')")]
    public async Task A_wrong_token_is_401_invalid_token(string scheme, string value, string reason)
    {
        using var http = Client();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(scheme, value);
        using var response = await http.GetAsync(new Uri("/api/where?q=openssl", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(reason, await DetailAsync(response));
    }

    [Fact]
    public async Task A_configured_bearer_token_is_accepted_and_health_needs_none()
    {
        using var http = Client();
        using (var health = await http.GetAsync(new Uri("/healthz/live", UriKind.Relative))) Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var where = await http.GetAsync(new Uri("/api/where?q=openssl", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, where.StatusCode);
        Assert.Equal("no-store", where.Headers.CacheControl?.ToString());
        using var session = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/dashboard/session", UriKind.Relative)));
        Assert.Equal("tokens", session.RootElement.GetProperty("auth").GetString());
        Assert.StartsWith("token-", session.RootElement.GetProperty("user").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_browser_signs_in_with_the_token_uses_the_cookie_and_signs_out()
    {
        using var http = Client();
        using (var page = await http.GetAsync(new Uri("/dashboard", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.Equal("/dashboard/login", page.Headers.Location?.ToString());
        }

        using var login = await http.PostAsync(new Uri("/dashboard/login", UriKind.Relative), Form(Token));
        Assert.Equal(HttpStatusCode.SeeOther, login.StatusCode);
        Assert.Equal("/dashboard", login.Headers.Location?.ToString());
        var setCookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith($"{ApiAuthenticationHandler.CookieName}={Token};", setCookie, StringComparison.Ordinal);
        foreach (var part in new[] { "path=/", "samesite=strict", "httponly", "max-age=43200" })
            Assert.Contains(part, setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", setCookie, StringComparison.OrdinalIgnoreCase); // plain HTTP here

        var cookie = $"{ApiAuthenticationHandler.CookieName}={Token}";
        using (var api = Get("/api/dashboard/images", cookie))
        using (var response = await http.SendAsync(api)) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using (var dashboard = Get("/dashboard", cookie))
        using (var response = await http.SendAsync(dashboard))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            Assert.Contains("data-testid=\"dashboard\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var logout = await http.PostAsync(new Uri("/dashboard/logout", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.SeeOther, logout.StatusCode);
        Assert.Equal("/dashboard/login", logout.Headers.Location?.ToString());
        var cleared = Assert.Single(logout.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith($"{ApiAuthenticationHandler.CookieName}=;", cleared, StringComparison.Ordinal);
        Assert.Contains("expires=Thu, 01 Jan 1970", cleared, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_refused_sign_in_sets_no_cookie_and_says_why()
    {
        using var http = Client();
        using var wrong = await http.PostAsync(new Uri("/dashboard/login", UriKind.Relative), Form("wrong-token-0123456789"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("the token is not accepted", await DetailAsync(wrong));
        Assert.False(wrong.Headers.Contains("Set-Cookie"));

        using var empty = await http.PostAsync(new Uri("/dashboard/login", UriKind.Relative), Form(""));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal("paste an API token into the form to sign in", await DetailAsync(empty));

        using var crossSite = new HttpRequestMessage(HttpMethod.Post, new Uri("/dashboard/login", UriKind.Relative)) { Content = Form(Token) };
        crossSite.Headers.Add("Origin", "https://elsewhere.example");
        using var refused = await http.SendAsync(crossSite);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.False(refused.Headers.Contains("Set-Cookie"));

        using var sameSite = new HttpRequestMessage(HttpMethod.Post, new Uri("/dashboard/login", UriKind.Relative)) { Content = Form(Token) };
        sameSite.Headers.Add("Origin", "http://localhost");
        sameSite.Headers.Add("Sec-Fetch-Site", "same-origin");
        using var accepted = await http.SendAsync(sameSite);
        Assert.Equal(HttpStatusCode.SeeOther, accepted.StatusCode);
    }

    [Fact]
    public async Task A_cookie_whose_token_is_no_longer_accepted_is_401_and_cleared()
    {
        using var http = Client();
        using var request = Get("/api/dashboard/images", $"{ApiAuthenticationHandler.CookieName}=revoked-token-0123456789");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("the signed-in session's token is no longer accepted: sign in again at /dashboard/login", await DetailAsync(response));
        Assert.StartsWith($"{ApiAuthenticationHandler.CookieName}=;", Assert.Single(response.Headers.GetValues("Set-Cookie")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mode_none_serves_everything_without_a_token()
    {
        _factory.Settings.Remove("Gatehouse:Api:Tokens:0");
        _factory.Settings["Gatehouse:Api:Auth"] = "none";
        using var http = Client();
        using (var where = await http.GetAsync(new Uri("/api/where?q=openssl", UriKind.Relative))) Assert.Equal(HttpStatusCode.OK, where.StatusCode);
        using (var page = await http.GetAsync(new Uri("/dashboard", UriKind.Relative))) Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using var session = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/dashboard/session", UriKind.Relative)));
        Assert.Equal("none", session.RootElement.GetProperty("auth").GetString());
        using var login = await http.PostAsync(new Uri("/dashboard/login", UriKind.Relative), Form(""));
        Assert.Equal(HttpStatusCode.SeeOther, login.StatusCode);
    }

    [Theory]
    [InlineData(null, "Gatehouse:Api:Auth is 'tokens' (the default) but no API token is configured. Set Gatehouse:Api:Tokens:0 or Gatehouse:Api:TokenFile")]
    [InlineData("short", "Gatehouse:Api:Tokens:0 is shorter than 16 characters.")]
    [InlineData("has white space in it", "Gatehouse:Api:Tokens:0 contains white space or control characters.")]
    public void Start_fails_without_a_usable_token(string? token, string expected)
    {
        var error = StartupFailure.Expect<OptionsValidationException, PolicyServiceFactory>(() =>
        {
            var factory = new PolicyServiceFactory();
            if (token is null) factory.Settings.Remove("Gatehouse:Api:Tokens:0");
            else factory.Settings["Gatehouse:Api:Tokens:0"] = token;
            return factory;
        }, factory => factory.CreateClient().Dispose());
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        if (token is not null) Assert.DoesNotContain(token, error.Message.Replace(expected, "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Start_fails_on_an_unreadable_token_file()
    {
        var error = StartupFailure.Expect<OptionsValidationException, PolicyServiceFactory>(() =>
        {
            var factory = new PolicyServiceFactory();
            factory.Settings.Remove("Gatehouse:Api:Tokens:0");
            factory.Settings["Gatehouse:Api:TokenFile"] = "/nonexistent/gatehouse/tokens";
            return factory;
        }, factory => factory.CreateClient().Dispose());
        Assert.Contains("Gatehouse:Api:TokenFile '/nonexistent/gatehouse/tokens' cannot be read", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tokens_from_a_mounted_file_are_accepted_and_rotation_takes_effect()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, "# API tokens\n\nfile-token-one-0123456789\n");
            using var factory = new PolicyServiceFactory();
            factory.Settings.Remove("Gatehouse:Api:Tokens:0");
            factory.Settings["Gatehouse:Api:TokenFile"] = path;
            factory.Settings["Gatehouse:Api:TokenFileRefresh"] = "00:00:01";
            using var http = factory.CreateClient();
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, "file-token-one-0123456789"));
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, "file-token-two-0123456789"));

            await File.WriteAllTextAsync(path, "file-token-two-0123456789\n");
            await Gatehouse.Testing.Eventually.GetAsync(async () => await StatusAsync(http, "file-token-two-0123456789") == HttpStatusCode.OK ? "accepted" : null,
                TimeSpan.FromSeconds(10), "the rotated token to be accepted");
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, "file-token-one-0123456789"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/dashboard/session", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static FormUrlEncodedContent Form(string token) => new([new KeyValuePair<string, string>("token", token)]);

    private static HttpRequestMessage Get(string path, string cookie)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Add("Cookie", cookie);
        return request;
    }
}
