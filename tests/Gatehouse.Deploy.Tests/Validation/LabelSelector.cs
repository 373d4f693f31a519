using System.Text.Json.Nodes;

namespace Gatehouse.Deploy.Tests.Validation;

/// <summary>Kubernetes label selector semantics (matchLabels AND matchExpressions), as the API server applies them.</summary>
public static class LabelSelector
{
    /// <param name="emptyMatchesAll">An absent or empty selector selects everything (webhooks) or nothing (PDBs, which need one).</param>
    public static bool Matches(JsonObject? selector, IReadOnlyDictionary<string, string> labels, bool emptyMatchesAll = true)
    {
        if (selector is null || selector.Count == 0) return emptyMatchesAll;
        foreach (var (key, value) in selector["matchLabels"] as JsonObject ?? [])
        {
            if (!labels.TryGetValue(key, out var actual) || actual != (string?)value) return false;
        }
        foreach (var expression in (selector["matchExpressions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var key = (string?)expression["key"] ?? "";
            var values = (expression["values"] as JsonArray ?? []).Select(v => (string?)v).ToList();
            var has = labels.TryGetValue(key, out var actual);
            var ok = (string?)expression["operator"] switch
            {
                "In" => has && values.Contains(actual),
                "NotIn" => !has || !values.Contains(actual),
                "Exists" => has,
                "DoesNotExist" => !has,
                var op => throw new InvalidOperationException($"unknown selector operator '{op}'"),
            };
            if (!ok) return false;
        }
        return true;
    }

    public static bool Matches(JsonObject? selector, JsonObject labels, bool emptyMatchesAll = true) =>
        Matches(selector, labels.ToDictionary(p => p.Key, p => (string?)p.Value ?? ""), emptyMatchesAll);

    /// <summary>A Service's plain label map as a selector.</summary>
    public static bool MatchesLabels(JsonObject? serviceSelector, JsonObject labels) =>
        serviceSelector is { Count: > 0 } && Matches(new JsonObject { ["matchLabels"] = serviceSelector.DeepClone() }, labels);
}
