using System.Text.Json;
using Gatehouse.Scanner.Advisories.Osv;

namespace Gatehouse.Scanner.Advisories.Store;

// The part of an OSV record matching needs, stored beside the full document so loading a
// snapshot of 100,000+ records parses kilobytes, not megabytes: details, references and vendor
// blobs are dropped; of database_specific/ecosystem_specific only severity words are kept.
internal static class MatchDocument
{
    private static readonly string[] SeverityKeys = ["severity", "urgency"];

    public static OsvRecord From(OsvRecord record) => record with
    {
        Details = null,
        References = null,
        DatabaseSpecific = SeverityOnly(record.DatabaseSpecific),
        Affected = record.Affected?.Select(a => a with
        {
            EcosystemSpecific = SeverityOnly(a.EcosystemSpecific),
            DatabaseSpecific = SeverityOnly(a.DatabaseSpecific),
            Ranges = a.Ranges?.Select(r => r with { DatabaseSpecific = null }).ToList(),
        }).ToList(),
    };

    private static JsonElement? SeverityOnly(JsonElement? element)
    {
        if (element is not { ValueKind: JsonValueKind.Object } obj)
        {
            return null;
        }

        var kept = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (string key in SeverityKeys)
        {
            if (obj.TryGetProperty(key, out JsonElement value) && value.ValueKind == JsonValueKind.String)
            {
                kept[key] = value;
            }
        }

        return kept.Count == 0 ? null : JsonSerializer.SerializeToElement(kept, OsvJsonContext.Default.DictionaryStringJsonElement);
    }
}
