using Gatehouse.Contracts;
using Gatehouse.Policy.Api;
using Gatehouse.Policy.BreakGlass;
using Gatehouse.Policy.Impact;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Gatehouse.Policy.Dashboard;

/// <summary>
/// The dashboard's read-only JSON (<c>/api/dashboard/*</c>), mapped inside the authenticated API group. Every
/// parameter is read as text and checked here, so a bad value is a 400 whose problem document says what is wrong.
/// </summary>
public static class DashboardEndpoints
{
    public const int DefaultImpactPoints = 288;
    public const int DefaultBreakGlassUses = 100;

    public static IEndpointRouteBuilder MapDashboardApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/api/dashboard");
        group.MapGet("/session", Session);
        group.MapGet("/images", ImagesAsync);
        group.MapGet("/images/{digest}", ImageAsync);
        group.MapGet("/break-glass", BreakGlassAsync);
        group.MapGet("/impact", ImpactAsync);
        return api;
    }

    private static IResult Session(HttpContext http, ApiTokens tokens, IOptions<DashboardOptions> options) =>
        Results.Json(new SessionInfo(tokens.Required ? "tokens" : "none", http.User.Identity?.Name ?? "anonymous",
            !string.IsNullOrWhiteSpace(options.Value.TraceUrlTemplate)), DashboardJsonContext.Default.SessionInfo);

    private static async Task<IResult> ImagesAsync(HttpRequest request, ImageCatalog catalog)
    {
        var query = request.Query;
        var profiles = await catalog.ProfilesAsync();
        if (!ImageFilter.TryParse(query["q"], query["status"], query["profile"], query["offset"], query["limit"], profiles, out var filter, out var error))
            return BadRequest(error!);
        return Results.Json(await catalog.ListAsync(filter!, profiles), DashboardJsonContext.Default.ImagePage);
    }

    private static async Task<IResult> ImageAsync(string digest, ImageDetails details, CancellationToken cancellationToken)
    {
        if (!ContentDigest.IsValid(digest)) return BadRequest($"'{QueryValues.Shorten(digest)}' is not an image digest (sha256:<64 hex digits>)");
        return await details.ReadAsync(digest, cancellationToken) is { } detail
            ? Results.Json(detail, DashboardJsonContext.Default.ImageDetail)
            : Results.Problem($"nothing is known of {digest}: no push, SBOM, analysis, decision or running workload", statusCode: StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> BreakGlassAsync(HttpRequest request, BreakGlassHistory history)
    {
        if (!QueryValues.TryNumber(request.Query["limit"], "limit", DefaultBreakGlassUses, 1, BreakGlassHistory.Capacity, out var limit, out var error))
            return BadRequest(error!);
        var (total, uses) = await history.ReadAsync(limit);
        return Results.Json(new BreakGlassPage(total, uses), DashboardJsonContext.Default.BreakGlassPage);
    }

    private static async Task<IResult> ImpactAsync(HttpRequest request, ImpactHistory history)
    {
        if (!QueryValues.TryNumber(request.Query["points"], "points", DefaultImpactPoints, 1, ImpactHistory.Capacity, out var points, out var error))
            return BadRequest(error!);
        var newestFirst = await history.ReadAsync(points);
        var snapshots = newestFirst.Reverse().ToList();
        var profiles = snapshots.SelectMany(s => s.DeniedRunningByProfile.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return Results.Json(new ImpactSeries(ImpactSnapshot.Severities, profiles, snapshots), DashboardJsonContext.Default.ImpactSeries);
    }

    private static IResult BadRequest(string reason) => Results.Problem(reason, statusCode: StatusCodes.Status400BadRequest);
}
