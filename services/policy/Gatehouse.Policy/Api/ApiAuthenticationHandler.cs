using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gatehouse.Policy.Api;

/// <summary>
/// The API's authentication scheme: an accepted token in <c>Authorization: Bearer …</c> or, from the dashboard's
/// browser session, in the HttpOnly sign-in cookie. A missing or refused token is challenged with 401, a
/// <c>WWW-Authenticate</c> header and a problem document saying why. With <c>Auth=none</c> everyone is let in.
/// </summary>
public sealed class ApiAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions, ILoggerFactory logger, UrlEncoder encoder, ApiTokens tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "GatehouseApi";

    /// <summary>The browser session: the token itself, HttpOnly and SameSite=Strict, so a stolen page script cannot read it.</summary>
    public const string CookieName = "gatehouse_session";

    private const string Missing = "no API token: send 'Authorization: Bearer <token>', or sign in at /dashboard/login";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // The only scheme registered becomes the default one, so the authentication middleware calls this for every
        // request of the process; only endpoints that asked for API authentication are answered.
        if (Context.GetEndpoint()?.Metadata.GetMetadata<ApiAuthenticatedEndpoint>() is null) return Task.FromResult(AuthenticateResult.NoResult());
        if (!tokens.Required) return Task.FromResult(Success("anonymous", "none"));

        var header = Request.Headers.Authorization.ToString();
        if (header.Length > 0)
        {
            const string bearer = "Bearer ";
            if (!header.StartsWith(bearer, StringComparison.OrdinalIgnoreCase))
                return Task.FromResult(AuthenticateResult.Fail("the Authorization header is not a bearer token ('Authorization: Bearer <token>')"));
            return Task.FromResult(tokens.Identify(header[bearer.Length..].Trim()) is { } name
                ? Success(name, "bearer")
                : AuthenticateResult.Fail("the bearer token is not accepted"));
        }
        if (Request.Cookies.TryGetValue(CookieName, out var cookie) && cookie.Length > 0)
        {
            return Task.FromResult(tokens.Identify(cookie) is { } name
                ? Success(name, "cookie")
                : AuthenticateResult.Fail("the signed-in session's token is no longer accepted: sign in again at /dashboard/login"));
        }
        return Task.FromResult(AuthenticateResult.NoResult());
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var reason = result.Failure?.Message ?? Missing;
        if (result.Failure is not null && Request.Cookies.ContainsKey(CookieName) && Request.Headers.Authorization.Count == 0)
            Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/" });
        Response.Headers.WWWAuthenticate = result.Failure is null
            ? "Bearer realm=\"gatehouse\""
            : "Bearer realm=\"gatehouse\", error=\"invalid_token\"";
        await Results.Problem(reason, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized").ExecuteAsync(Context);
    }

    private static AuthenticateResult Success(string name, string via)
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim("gatehouse:via", via)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
