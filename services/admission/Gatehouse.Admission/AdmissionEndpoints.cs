using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Text.Json;
using Gatehouse.Admission.Profiles;
using Gatehouse.Admission.Review;
using Gatehouse.Admission.Wire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gatehouse.Admission;

/// <summary>
/// <c>POST /validate</c> and <c>POST /mutate</c>: the HTTP edge. Malformed input is a 400 with the reason; once
/// the request is understood every answer is a 200 AdmissionReview within the deadline, even on an internal
/// error (then the profile's failure mode decides), so the API server never sees a 500 from us.
/// </summary>
public static partial class AdmissionEndpoints
{
    public const string ApiVersion = "admission.k8s.io/v1";

    public static IEndpointRouteBuilder MapAdmissionEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // Singletons resolved once, on first use: the handler binds nothing per request but the HttpContext.
        var services = endpoints.ServiceProvider;
        var handler = new Lazy<Handler>(() => new Handler(
            services.GetRequiredService<AdmissionReviewer>(), services.GetRequiredService<IAdmissionProfiles>(),
            services.GetRequiredService<IOptions<AdmissionOptions>>().Value, services.GetRequiredService<ILoggerFactory>().CreateLogger("Gatehouse.Admission")));
        endpoints.MapPost("/validate", http => ServeAsync(http, handler.Value, mutate: false));
        endpoints.MapPost("/mutate", http => ServeAsync(http, handler.Value, mutate: true));
        return endpoints;
    }

    private static async Task ServeAsync(HttpContext http, Handler handler, bool mutate) =>
        await (await HandleAsync(http, handler, mutate)).ExecuteAsync(http);

    private sealed record Handler(AdmissionReviewer Reviewer, IAdmissionProfiles Profiles, AdmissionOptions Options, ILogger Logger);

    private static async Task<IResult> HandleAsync(HttpContext http, Handler handler, bool mutate)
    {
        var startedAt = Stopwatch.GetTimestamp();
        var max = handler.Options.MaxRequestBytes;
        if (http.Request.ContentLength > max) return Problem(413, $"body of {http.Request.ContentLength} bytes exceeds the limit of {max} bytes");
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = max;

        AdmissionReviewRequest? review;
        try
        {
            review = await ReadReviewAsync(http.Request.BodyReader, max, http.RequestAborted);
        }
        catch (JsonException ex)
        {
            return Problem(400, $"body is not an AdmissionReview in JSON: {ex.Message}");
        }
        catch (BadHttpRequestException ex)
        {
            return Problem(ex.StatusCode, ex.Message);
        }
        catch (BodyTooLargeException)
        {
            return Problem(413, $"body exceeds the limit of {max} bytes");
        }

        if (Check(review) is { } problem) return Problem(400, problem);
        var request = review!.Request!;
        using var activity = AdmissionTelemetry.Source.StartActivity(mutate ? "admission mutate" : "admission validate");
        if (activity is not null)
        {
            activity.SetTag("gatehouse.admission.uid", request.Uid);
            activity.SetTag("gatehouse.admission.operation", request.Operation);
            activity.SetTag("gatehouse.admission.kind", request.Kind?.Kind);
            activity.SetTag("gatehouse.namespace", request.Namespace);
            activity.SetTag("gatehouse.admission.dry_run", request.DryRun == true);
        }

        if (!Reviewed(request)) return Respond(new AdmissionResponse { Uid = request.Uid!, Allowed = true }, activity);
        if (request.Object is null) return Problem(400, $"request.object is missing for {request.Operation} of {request.Kind!.Kind}");

        var context = new ReviewContext(request, request.Kind!, request.Object, startedAt);
        AdmissionResponse response;
        try
        {
            response = mutate
                ? await handler.Reviewer.MutateAsync(context, activity, http.RequestAborted)
                : await handler.Reviewer.ValidateAsync(context, activity, http.RequestAborted);
        }
        catch (Exception ex) when (!http.RequestAborted.IsCancellationRequested)
        {
            LogInternalError(handler.Logger, ex, request.Uid!);
            response = FailureModeAnswer(request, handler.Profiles.ForNamespace(context.Namespace), mutate);
        }
        return Respond(response, activity);
    }

    /// <summary>
    /// Buffers the whole body (the API server sends one review of known length) and parses it in one synchronous
    /// pass, which is several times cheaper than parsing while streaming. Trailing content is an error.
    /// </summary>
    private static async ValueTask<AdmissionReviewRequest?> ReadReviewAsync(PipeReader body, int max, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await body.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            if (buffer.Length > max)
            {
                body.AdvanceTo(buffer.End);
                throw new BodyTooLargeException();
            }
            if (!read.IsCompleted)
            {
                body.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }
            try
            {
                return Parse(buffer);
            }
            finally
            {
                body.AdvanceTo(buffer.End);
            }
        }

        static AdmissionReviewRequest? Parse(ReadOnlySequence<byte> buffer)
        {
            var reader = new Utf8JsonReader(buffer);
            var review = JsonSerializer.Deserialize(ref reader, AdmissionJsonContext.Default.AdmissionReviewRequest);
            if (reader.Read()) throw new JsonException($"unexpected content after the AdmissionReview at byte {reader.TokenStartIndex}");
            return review;
        }
    }

    private sealed class BodyTooLargeException : Exception;

    /// <summary>Why the envelope is not a v1 AdmissionReview request we can answer, or null.</summary>
    private static string? Check(AdmissionReviewRequest? review)
    {
        if (review is null) return "body is JSON null, not an AdmissionReview";
        if (review.Kind != "AdmissionReview") return $"kind is '{review.Kind ?? "(missing)"}', expected 'AdmissionReview'";
        if (review.ApiVersion != ApiVersion) return $"apiVersion is '{review.ApiVersion ?? "(missing)"}', expected '{ApiVersion}' (configure admissionReviewVersions: [v1])";
        if (review.Request is not { } request) return "AdmissionReview has no request";
        if (string.IsNullOrWhiteSpace(request.Uid)) return "request.uid is missing (the response must echo it)";
        if (string.IsNullOrWhiteSpace(request.Operation)) return "request.operation is missing";
        if (request.Kind is null || string.IsNullOrWhiteSpace(request.Kind.Kind)) return "request.kind is missing";
        return null;
    }

    /// <summary>
    /// CREATE and UPDATE of workloads are reviewed (pods' ephemeral containers arrive as an UPDATE of the
    /// ephemeralcontainers subresource); DELETE, CONNECT, other subresources and other kinds pass untouched.
    /// </summary>
    private static bool Reviewed(AdmissionRequest request) =>
        request.Operation is "CREATE" or "UPDATE"
        && WorkloadImages.IsWorkload(request.Kind)
        && (string.IsNullOrEmpty(request.SubResource) || request.SubResource == "ephemeralcontainers");

    /// <summary>After an internal error: admitted only if every governing profile fails open (mutations always are).</summary>
    private static AdmissionResponse FailureModeAnswer(AdmissionRequest request, IReadOnlyList<AdmissionProfile> profiles, bool mutate)
    {
        const string reason = "internal error while reviewing the request";
        var closed = profiles.FirstOrDefault(p => p.FailureMode == Policy.Model.FailureMode.Deny);
        if (mutate || closed is null)
            return new AdmissionResponse { Uid = request.Uid!, Allowed = true, Warnings = [$"{reason}; admitted because no governing profile fails closed"] };
        return new AdmissionResponse
        {
            Uid = request.Uid!,
            Allowed = false,
            Status = new ResponseStatus { Code = 500, Reason = "InternalError", Message = $"{reason}; profile \"{closed.Name}\" fails closed" },
        };
    }

    private static JsonHttpResult<AdmissionReviewResponse> Respond(AdmissionResponse response, Activity? activity)
    {
        activity?.SetTag("gatehouse.allowed", response.Allowed);
        return TypedResults.Json(new AdmissionReviewResponse { Response = response }, AdmissionJsonContext.Default.AdmissionReviewResponse);
    }

    private static IResult Problem(int status, string reason) => Results.Problem(detail: reason, statusCode: status);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reviewing admission request {Uid} failed; answering by the profile's failure mode")]
    private static partial void LogInternalError(ILogger logger, Exception ex, string uid);
}
