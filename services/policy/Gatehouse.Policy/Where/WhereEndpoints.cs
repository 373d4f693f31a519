using Gatehouse.Policy.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Gatehouse.Policy.Where;

/// <summary>
/// <c>GET /api/where?q=…&amp;offset=&amp;limit=</c>: the where-query as JSON, one page of its matches (running images
/// first) with the total; 400 with the reason for a query or page that cannot be parsed. A broad query on a large
/// cluster matches tens of thousands of images; without a page the answer would be tens of megabytes.
/// </summary>
public static class WhereEndpoints
{
    public const int DefaultLimit = 1000;
    public const int MaxLimit = 10_000;

    public static IEndpointRouteBuilder MapWhere(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/where", async (HttpRequest request, WhereQuery where) =>
        {
            var values = request.Query;
            if (!WhereQueryText.TryParse(values["q"], out var query, out var error)
                || !QueryValues.TryNumber(values["offset"], "offset", 0, 0, int.MaxValue, out var offset, out error)
                || !QueryValues.TryNumber(values["limit"], "limit", DefaultLimit, 1, MaxLimit, out var limit, out error))
                return Results.Problem(error, statusCode: 400);
            var result = await where.RunAsync(query!);
            return Results.Json(result.Page(offset, limit), WhereJsonContext.Default.WhereResult);
        });
        return endpoints;
    }
}
