using System.Text.Json;
using Gatehouse.Contracts.Messages;
using Gatehouse.Policy.Model;
using Gatehouse.ServiceDefaults.Store;

namespace Gatehouse.Policy.Facts;

/// <summary>Reads the full finding list a <see cref="VulnerabilitiesFound"/> refers to.</summary>
public interface IFindingReport
{
    /// <returns>The affected findings, or null when the report is missing or unreadable (the facet is then unknown).</returns>
    Task<IReadOnlyList<FindingFact>?> ReadAsync(VulnerabilitiesFound found, CancellationToken cancellationToken);
}

/// <summary>
/// The scanner's stored report (<c>{ "advisoryDataVersion", "findings": [...] }</c>, or a bare array), read
/// defensively: a finding without an id or package is skipped, suppressed and not-evaluated findings are left
/// out (the counts say how many could not be evaluated), an unknown severity word stays Unknown.
/// </summary>
public sealed class StoreFindingReport(IKeyValueStore store) : IFindingReport
{
    public async Task<IReadOnlyList<FindingFact>?> ReadAsync(VulnerabilitiesFound found, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(found);
        var json = await store.GetAsync(found.ReportRef);
        return json is null ? null : Parse(json);
    }

    public static IReadOnlyList<FindingFact>? Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 32 });
            var root = document.RootElement;
            var findings = root.ValueKind == JsonValueKind.Array ? root
                : root.ValueKind == JsonValueKind.Object && root.TryGetProperty("findings", out var list) && list.ValueKind == JsonValueKind.Array ? list
                : default;
            if (findings.ValueKind != JsonValueKind.Array) return null;
            var result = new List<FindingFact>();
            foreach (var finding in findings.EnumerateArray())
            {
                if (ReadFinding(finding) is { } fact) result.Add(fact);
            }
            return result;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static FindingFact? ReadFinding(JsonElement finding)
    {
        if (finding.ValueKind != JsonValueKind.Object) return null;
        var status = Text(finding, "status");
        if (status is not (null or "affected")) return null;
        var id = Text(finding, "id");
        var package = finding.TryGetProperty("package", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        var name = package.ValueKind == JsonValueKind.Object ? Text(package, "name") : null;
        if (id is null || name is null) return null;
        var installed = Text(finding, "installedVersion") ?? (package.ValueKind == JsonValueKind.Object ? Text(package, "version") : null) ?? "?";
        var severity = finding.TryGetProperty("severity", out var s)
            ? PolicyValues.ParseSeverity(s.ValueKind == JsonValueKind.Object ? Text(s, "level") : s.ValueKind == JsonValueKind.String ? s.GetString() : null)
            : VulnerabilitySeverity.Unknown;
        return new FindingFact(id, Strings(finding, "aliases"), severity, name, installed, Strings(finding, "fixedVersions"));
    }

    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    private static IReadOnlyList<string> Strings(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).Where(v => v.Length > 0)]
            : [];
}
