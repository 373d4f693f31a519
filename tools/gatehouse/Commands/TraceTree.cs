using System.Diagnostics;

namespace Gatehouse.Cli.Commands;

/// <summary>Prints captured spans as an indented tree per trace, so a person can see one push become one trace.</summary>
public static class TraceTree
{
    /// <param name="include">Which traces to print (all when null).</param>
    public static async Task WriteAsync(TextWriter writer, IReadOnlyCollection<Activity> spans, Func<IEnumerable<Activity>, bool>? include = null)
    {
        foreach (var trace in spans.GroupBy(s => s.TraceId).Where(t => include?.Invoke(t) ?? true).OrderBy(g => g.Min(s => s.StartTimeUtc)))
        {
            var byParent = trace.ToLookup(s => s.ParentSpanId);
            var ids = trace.Select(s => s.SpanId).ToHashSet();
            var start = trace.Min(s => s.StartTimeUtc);
            await writer.WriteLineAsync($"trace {trace.Key} ({trace.Count()} spans)");
            foreach (var root in trace.Where(s => !ids.Contains(s.ParentSpanId)).OrderBy(s => s.StartTimeUtc))
                await WriteSpanAsync(writer, root, byParent, start, 1);
        }
    }

    private static async Task WriteSpanAsync(TextWriter writer, Activity span, ILookup<ActivitySpanId, Activity> byParent, DateTime start, int depth)
    {
        var offset = (span.StartTimeUtc - start).TotalMilliseconds;
        await writer.WriteLineAsync(
            $"{new string(' ', depth * 2)}{span.DisplayName,-48} +{offset,7:F1} ms  {span.Duration.TotalMilliseconds,7:F1} ms  [{span.Source.Name}]");
        foreach (var child in byParent[span.SpanId].OrderBy(s => s.StartTimeUtc))
            await WriteSpanAsync(writer, child, byParent, start, depth + 1);
    }
}
