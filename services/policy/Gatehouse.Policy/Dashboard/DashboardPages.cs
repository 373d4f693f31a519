using System.Collections.Frozen;
using System.Security.Cryptography;
using Gatehouse.Policy.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Gatehouse.Policy.Dashboard;

/// <summary>
/// The dashboard's static files, embedded in this assembly: <c>/dashboard</c> (the page; signed-out visitors are sent to
/// <c>/dashboard/login</c>), the login page and <c>/dashboard/assets/*</c>. The pages hold no data (their script fetches
/// it from <c>/api/dashboard</c>), so only the dashboard page itself asks for a session. A strict content security policy
/// allows this site's own scripts and styles only: no inline script, nothing from elsewhere.
/// </summary>
public static class DashboardPages
{
    private const string ResourcePrefix = "Gatehouse.Policy.Dashboard.Assets.";

    private const string ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private sealed record Asset(byte[] Content, string ContentType, string ETag);

    private static readonly FrozenDictionary<string, Asset> Assets = Load();

    public static IEndpointRouteBuilder MapDashboardPages(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(SessionEndpoints.HomePath, (Delegate)DashboardAsync).ReadsApiSession();
        endpoints.MapGet(SessionEndpoints.LoginPath, (HttpContext http) => Serve(http, "login.html")).AllowAnonymous();
        endpoints.MapGet(SessionEndpoints.HomePath + "/assets/{name}", (string name, HttpContext http) => Serve(http, name)).AllowAnonymous();
        return endpoints;
    }

    private static async Task<IResult> DashboardAsync(HttpContext http)
    {
        var session = await http.AuthenticateAsync(ApiAuthenticationHandler.SchemeName);
        if (session.Succeeded) return Serve(http, "dashboard.html");
        if (session.Failure is not null) http.Response.Cookies.Delete(ApiAuthenticationHandler.CookieName, new CookieOptions { Path = "/" });
        return Results.Redirect(SessionEndpoints.LoginPath);
    }

    private static IResult Serve(HttpContext http, string name)
    {
        if (!Assets.TryGetValue(name, out var asset)) return Results.Problem($"no dashboard asset named '{QueryValues.Shorten(name)}'", statusCode: StatusCodes.Status404NotFound);
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        if (asset.ContentType.StartsWith("text/html", StringComparison.Ordinal))
        {
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin"; // not no-referrer: that makes the sign-out form's Origin "null"
        }
        return http.Request.Headers.IfNoneMatch.Contains(asset.ETag)
            ? Results.StatusCode(StatusCodes.Status304NotModified)
            : Results.Bytes(asset.Content, asset.ContentType);
    }

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(DashboardPages).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var content = copy.ToArray();
            var name = resource[ResourcePrefix.Length..];
            var type = Path.GetExtension(name) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".svg" => "image/svg+xml",
                _ => "application/octet-stream",
            };
            assets[name] = new Asset(content, type, $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\"");
        }
        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
