using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Gatehouse.Policy.Api;

/// <summary>
/// The browser's sign-in: <c>POST /dashboard/login</c> with the form field <c>token</c> sets the session cookie (HttpOnly,
/// SameSite=Strict, Secure over HTTPS) and sends the browser to <c>/dashboard</c>; <c>POST /dashboard/logout</c> clears it.
/// Both refuse requests another site's page sends (Origin / Sec-Fetch-Site), so no page elsewhere can sign a
/// visitor in or out. A refused token is 401 with the reason; the login page shows it.
/// </summary>
public static class SessionEndpoints
{
    public const string LoginPath = "/dashboard/login";
    public const string LogoutPath = "/dashboard/logout";
    public const string HomePath = "/dashboard";

    private static readonly FormOptions SmallForm = new()
    {
        ValueCountLimit = 8, KeyLengthLimit = 64, ValueLengthLimit = ApiTokens.MaxTokenLength + 64, BufferBody = false, MultipartBodyLengthLimit = 16 * 1024,
    };

    public static IEndpointRouteBuilder MapApiSession(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(LoginPath, LoginAsync).AllowAnonymous().DisableAntiforgery();
        endpoints.MapPost(LogoutPath, Logout).AllowAnonymous().DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> LoginAsync(HttpContext http, ApiTokens tokens, IOptions<ApiAuthOptions> options)
    {
        if (CrossSite(http.Request) is { } refused) return refused;
        if (!tokens.Required) return SeeOther(http, HomePath);
        if (!http.Request.HasFormContentType)
            return Results.Problem("send the token as the form field 'token' (application/x-www-form-urlencoded)", statusCode: StatusCodes.Status400BadRequest);
        string token;
        try
        {
            var form = await http.Request.ReadFormAsync(SmallForm, http.RequestAborted);
            token = form["token"].ToString().Trim();
        }
        catch (InvalidDataException ex)
        {
            return Results.Problem($"the sign-in form cannot be read: {ex.Message}", statusCode: StatusCodes.Status400BadRequest);
        }
        if (token.Length == 0)
            return Results.Problem("paste an API token into the form to sign in", statusCode: StatusCodes.Status400BadRequest);
        if (tokens.Identify(token) is null)
            return Results.Problem("the token is not accepted", statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");

        http.Response.Cookies.Append(ApiAuthenticationHandler.CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = http.Request.IsHttps || options.Value.SecureCookie,
            Path = "/",
            MaxAge = options.Value.SessionLifetime,
            IsEssential = true,
        });
        return SeeOther(http, HomePath);
    }

    private static IResult Logout(HttpContext http, IOptions<ApiAuthOptions> options)
    {
        if (CrossSite(http.Request) is { } refused) return refused;
        http.Response.Cookies.Delete(ApiAuthenticationHandler.CookieName, new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = http.Request.IsHttps || options.Value.SecureCookie, Path = "/",
        });
        return SeeOther(http, LoginPath);
    }

    /// <summary>403 when a browser says another site sent the request; requests without those headers (curl, tests) pass.</summary>
    private static IResult? CrossSite(HttpRequest request)
    {
        var fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite is "cross-site" or "same-site")
            return Results.Problem("sign-in and sign-out are accepted from this site's own pages only", statusCode: StatusCodes.Status403Forbidden);
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0) return null;
        // Compared by host and port only: TLS may end in front of the service, so the scheme seen here can differ.
        return Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
            ? null
            : Results.Problem("sign-in and sign-out are accepted from this site's own pages only", statusCode: StatusCodes.Status403Forbidden);
    }

    private static IResult SeeOther(HttpContext http, string location)
    {
        http.Response.Headers.Location = location;
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }
}
