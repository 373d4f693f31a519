using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Gatehouse.Policy.Where;

/// <summary><c>GET /api/where?q=…</c>: the where-query as JSON (400 with the reason for a query that cannot be parsed).</summary>
public static class WhereEndpoints
{
    public static IEndpointRouteBuilder MapWhere(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/where", async (string? q, WhereQuery where) =>
        {
            if (!WhereQueryText.TryParse(q, out var query, out var error)) return Results.Problem(error, statusCode: 400);
            var result = await where.RunAsync(query!);
            return Results.Json(result, WhereJsonContext.Default.WhereResult);
        });
        return endpoints;
    }
}
