using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Gatehouse.RegistryWatcher.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Gatehouse.RegistryWatcher;

/// <summary>
/// <c>POST /webhooks/{adapter}</c>: the HTTP edge. Every rejection is a 4xx with a reason; 503 means
/// "not published yet, send it again", which is what the registry's redelivery does.
/// </summary>
public static partial class WebhookEndpoint
{
    public static IEndpointRouteBuilder MapRegistryWebhooks(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/webhooks/{adapter}", HandleAsync);
        return endpoints;
    }

    private static async Task<IResult> HandleAsync(
        string adapter, HttpContext http, WebhookAdapters adapters, PushEventProcessor processor,
        IOptions<RegistryWatcherOptions> options, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("Gatehouse.RegistryWatcher.Webhook");
        if (!adapters.TryGet(adapter, out var flavour))
            return Problem(404, $"no webhook adapter named '{adapter}'; known: {string.Join(", ", adapters.All.Select(a => a.Name))}");
        if (!IsAuthorized(http.Request, options.Value.BearerToken))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Problem(401, "missing or wrong bearer token");
        }
        var contentType = MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var ct) ? ct.MediaType.Value : null;
        if (contentType is null || !flavour.ContentTypes.Contains(contentType, StringComparer.OrdinalIgnoreCase))
            return Problem(415, $"content type '{http.Request.ContentType}' is not accepted; expected one of {string.Join(", ", flavour.ContentTypes)}");

        var max = options.Value.MaxBodyBytes;
        if (http.Request.ContentLength > max) return Problem(413, $"body of {http.Request.ContentLength} bytes exceeds the limit of {max} bytes");
        var body = await ReadBoundedAsync(http.Request.Body, max, http.RequestAborted);
        if (body is null) return Problem(413, $"body exceeds the limit of {max} bytes");

        WebhookBatch batch;
        try
        {
            batch = flavour.Parse(body);
        }
        catch (WebhookFormatException ex)
        {
            return Problem(400, ex.Message);
        }
        foreach (var ignored in batch.Ignored) LogIgnored(logger, ignored.EventId, ignored.Reason);

        int published = 0, duplicates = 0;
        foreach (var push in batch.Pushes)
        {
            try
            {
                if (await processor.ProcessAsync(flavour.Name, push, http.RequestAborted) == PushOutcome.Published) published++;
                else duplicates++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !http.RequestAborted.IsCancellationRequested)
            {
                LogUnavailable(logger, ex, push.EventId);
                http.Response.Headers.RetryAfter = "5";
                return Problem(503, $"event {push.EventId} could not be recorded and published yet ({ex.Message}); send it again");
            }
        }
        return Results.Ok(new WebhookResult(published, duplicates, batch.Ignored.Count));
    }

    private static bool IsAuthorized(HttpRequest request, string expectedToken)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        // Hash both sides so the comparison is constant-time in the token's length as well as its content.
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()));
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(expectedToken));
        return CryptographicOperations.FixedTimeEquals(presented, expected);
    }

    /// <summary>Reads at most <paramref name="max"/> bytes; null when the body is longer (chunked bodies have no length).</summary>
    private static async Task<byte[]?> ReadBoundedAsync(Stream body, int max, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(max + 1, 64 * 1024));
        try
        {
            using var collected = new MemoryStream();
            int read;
            while ((read = await body.ReadAsync(buffer, ct)) > 0)
            {
                if (collected.Length + read > max) return null;
                collected.Write(buffer, 0, read);
            }
            return collected.ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static IResult Problem(int status, string reason) => Results.Problem(detail: reason, statusCode: status);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ignored registry event {EventId}: {Reason}")]
    private static partial void LogIgnored(ILogger logger, string eventId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registry event {EventId} not published; answering 503 so the registry redelivers")]
    private static partial void LogUnavailable(ILogger logger, Exception ex, string eventId);
}

/// <summary>What an accepted envelope led to.</summary>
public sealed record WebhookResult(int Published, int Duplicates, int Ignored);
