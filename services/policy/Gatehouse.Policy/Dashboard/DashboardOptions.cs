using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace Gatehouse.Policy.Dashboard;

/// <summary>The dashboard (section <c>Gatehouse:Dashboard</c>).</summary>
public sealed class DashboardOptions
{
    public const string Section = "Gatehouse:Dashboard";
    public const string TraceIdPlaceholder = "{traceId}";

    /// <summary>
    /// Link from a decision to the trace that produced it, e.g. <c>https://jaeger.example/trace/{traceId}</c> (http or https;
    /// <c>{traceId}</c> becomes the 32 hex digits of the W3C trace id). Empty: decisions show no trace link.
    /// </summary>
    public string TraceUrlTemplate { get; set; } = "";

    /// <summary>The trace link of a decision's <c>traceparent</c>, or null without a template or a readable trace id.</summary>
    public string? TraceUrl(string? traceParent)
    {
        var id = TraceId(traceParent);
        return id is null || string.IsNullOrWhiteSpace(TraceUrlTemplate) ? null : TraceUrlTemplate.Replace(TraceIdPlaceholder, id, StringComparison.Ordinal);
    }

    /// <summary>The 32 hex digits of a W3C traceparent's trace id (null when it is not one).</summary>
    public static string? TraceId(string? traceParent) =>
        !string.IsNullOrEmpty(traceParent) && ActivityContext.TryParse(traceParent, null, out var context) && context.TraceId != default
            ? context.TraceId.ToHexString()
            : null;
}

internal sealed class DashboardOptionsValidator : IValidateOptions<DashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, DashboardOptions options)
    {
        var template = options.TraceUrlTemplate;
        if (string.IsNullOrWhiteSpace(template)) return ValidateOptionsResult.Success;
        var sample = template.Replace(DashboardOptions.TraceIdPlaceholder, new string('0', 32), StringComparison.Ordinal);
        if (!template.Contains(DashboardOptions.TraceIdPlaceholder, StringComparison.Ordinal))
            return ValidateOptionsResult.Fail($"{DashboardOptions.Section}:TraceUrlTemplate must contain {DashboardOptions.TraceIdPlaceholder} (e.g. https://jaeger.example/trace/{DashboardOptions.TraceIdPlaceholder}).");
        return Uri.TryCreate(sample, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{DashboardOptions.Section}:TraceUrlTemplate '{template}' is not an absolute http or https URL.");
    }
}
