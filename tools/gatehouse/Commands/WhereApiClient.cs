using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Policy.Where;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// <c>gatehouse where --api URL</c>: the where-query through the policy service's API (bearer token), every page of it,
/// as one answer. This is the way in from a workstation, where the cluster's Redis is not reachable and the API is
/// (port-forward or ingress), and it is answered from the service's warm inventory.
/// </summary>
public static class WhereApiClient
{
    /// <summary>Matches per request: the API's largest page.</summary>
    public const int PageSize = WhereEndpoints.MaxLimit;

    /// <returns>The whole answer, or null after telling stderr why there is none.</returns>
    public static async Task<WhereResult?> RunAsync(Uri api, string? token, string query, TextWriter stderr, CancellationToken ct, int pageSize = PageSize)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(stderr);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        if (!string.IsNullOrEmpty(token)) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        WhereResult? whole = null;
        var images = new List<WhereImage>();
        while (whole is null || images.Count < whole.Total)
        {
            var url = new Uri(api, $"api/where?q={Uri.EscapeDataString(query)}&offset={images.Count}&limit={pageSize}");
            HttpResponseMessage response;
            try
            {
                response = await http.GetAsync(url, ct);
            }
            catch (HttpRequestException ex)
            {
                await stderr.WriteLineAsync($"gatehouse where: cannot reach the policy API at {api}: {ex.Message}");
                return null;
            }
            using (response)
            {
                if (!response.IsSuccessStatusCode)
                {
                    await stderr.WriteLineAsync($"gatehouse where: the policy API answered {(int)response.StatusCode} {response.ReasonPhrase}" +
                        $"{await DetailAsync(response, ct)}{(response.StatusCode == HttpStatusCode.Unauthorized ? " (give --token or set GATEHOUSE_API_TOKEN)" : "")}");
                    return null;
                }
                var page = await response.Content.ReadFromJsonAsync(WhereJsonContext.Default.WhereResult, ct);
                if (page is null || page.Offset != images.Count || (page.Images.Count == 0 && images.Count < page.Total))
                {
                    // The inventory changed between pages so much that the answer no longer adds up: say so, not a partial list.
                    await stderr.WriteLineAsync($"gatehouse where: the answer changed while it was read page by page ({images.Count} of {page?.Total} matches); run it again");
                    return null;
                }
                whole ??= page;
                images.AddRange(page.Images);
            }
        }
        return whole with { Images = images, Total = images.Count };
    }

    /// <summary>": the reason" from a problem-details body, when there is one.</summary>
    private static async Task<string> DetailAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            return problem.RootElement.TryGetProperty("detail", out var detail) && detail.GetString() is { Length: > 0 } text ? ": " + text : "";
        }
        catch (JsonException)
        {
            return "";
        }
    }
}
