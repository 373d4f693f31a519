using System.Globalization;
using System.Text.Json;

namespace Gatehouse.Scanner.Vex;

/// <summary>
/// Reads OpenVEX documents (v0.2.0, and the v0.0.1 shape where vulnerability and products are plain strings).
/// A statement without a vulnerability, status or product is skipped and named in <see cref="VexDocument.Error"/>;
/// timestamps cascade from the document to its statements, as the specification's inheritance rules say.
/// </summary>
public static class OpenVexReader
{
    public const string Format = "openvex";

    public static bool LooksLike(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object
        && root.TryGetProperty("@context", out var context) && context.ValueKind == JsonValueKind.String
        && context.GetString()!.StartsWith("https://openvex.dev/ns", StringComparison.Ordinal);

    public static VexDocument Read(JsonElement root, string source)
    {
        if (!root.TryGetProperty("statements", out var statements) || statements.ValueKind != JsonValueKind.Array)
        {
            return VexDocument.Unreadable(source, "OpenVEX document has no statements array");
        }

        var documentTime = Time(root, "timestamp");
        var read = new List<VexStatement>();
        var skipped = new List<string>();
        var index = 0;
        foreach (var statement in statements.EnumerateArray())
        {
            if (ReadStatement(statement, documentTime, source) is { } parsed)
            {
                read.Add(parsed);
            }
            else
            {
                skipped.Add(index.ToString(CultureInfo.InvariantCulture));
            }
            index++;
        }

        var error = skipped.Count == 0 ? null : $"statements {string.Join(", ", skipped)} lack a vulnerability, a known status or a product";
        return new VexDocument(source, Format, read, error);
    }

    private static VexStatement? ReadStatement(JsonElement statement, DateTimeOffset? documentTime, string source)
    {
        if (statement.ValueKind != JsonValueKind.Object || ParseStatus(Text(statement, "status")) is not { } status)
        {
            return null;
        }

        var (name, aliases) = Vulnerability(statement);
        var products = Products(statement);
        if (name is null || products.Count == 0)
        {
            return null;
        }

        return new VexStatement
        {
            Vulnerability = name,
            Aliases = aliases,
            Products = products,
            Status = status,
            Justification = Text(statement, "justification"),
            ImpactStatement = Text(statement, "impact_statement"),
            ActionStatement = Text(statement, "action_statement"),
            Timestamp = Time(statement, "last_updated") ?? Time(statement, "timestamp") ?? documentTime,
            Source = source,
        };
    }

    private static (string? Name, IReadOnlyList<string> Aliases) Vulnerability(JsonElement statement)
    {
        if (!statement.TryGetProperty("vulnerability", out var vulnerability))
        {
            return (null, []);
        }

        if (vulnerability.ValueKind == JsonValueKind.String)
        {
            return (vulnerability.GetString(), []);
        }

        if (vulnerability.ValueKind != JsonValueKind.Object)
        {
            return (null, []);
        }

        var aliases = Strings(vulnerability, "aliases");
        // "@id" is often an advisory URL; it only names the vulnerability when there is no name.
        return (Text(vulnerability, "name") ?? Text(vulnerability, "@id"), aliases);
    }

    private static List<VexProduct> Products(JsonElement statement)
    {
        var products = new List<VexProduct>();
        // v0.0.1: "products": ["pkg:..."], "subcomponents": ["pkg:..."] beside them.
        var legacySubcomponents = Strings(statement, "subcomponents");
        if (!statement.TryGetProperty("products", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return products;
        }

        foreach (var product in list.EnumerateArray())
        {
            if (product.ValueKind == JsonValueKind.String && product.GetString() is { Length: > 0 } id)
            {
                products.Add(new VexProduct([id], legacySubcomponents));
            }
            else if (product.ValueKind == JsonValueKind.Object)
            {
                var identifiers = Identifiers(product);
                var subcomponents = new List<string>();
                if (product.TryGetProperty("subcomponents", out var subs) && subs.ValueKind == JsonValueKind.Array)
                {
                    foreach (var sub in subs.EnumerateArray())
                    {
                        subcomponents.AddRange(sub.ValueKind == JsonValueKind.String ? [sub.GetString()!] : Identifiers(sub));
                    }
                }
                if (identifiers.Count > 0)
                {
                    products.Add(new VexProduct(identifiers, subcomponents));
                }
            }
        }
        return products;
    }

    /// <summary>@id, every identifiers value (purl, cpe…) and sha-256 hashes as <c>sha256:&lt;hex&gt;</c>.</summary>
    private static List<string> Identifiers(JsonElement component)
    {
        var ids = new List<string>();
        if (component.ValueKind != JsonValueKind.Object)
        {
            return ids;
        }
        if (Text(component, "@id") is { } id)
        {
            ids.Add(id);
        }
        if (component.TryGetProperty("identifiers", out var identifiers) && identifiers.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in identifiers.EnumerateObject())
            {
                if (entry.Value.ValueKind == JsonValueKind.String && entry.Value.GetString() is { Length: > 0 } value)
                {
                    ids.Add(value);
                }
            }
        }
        if (component.TryGetProperty("hashes", out var hashes) && hashes.ValueKind == JsonValueKind.Object
            && Text(hashes, "sha-256") is { } sha256)
        {
            ids.Add("sha256:" + sha256.ToLowerInvariant());
        }
        return ids;
    }

    private static VexStatus? ParseStatus(string? status) => status switch
    {
        "not_affected" => VexStatus.NotAffected,
        "affected" => VexStatus.Affected,
        "fixed" => VexStatus.Fixed,
        "under_investigation" => VexStatus.UnderInvestigation,
        _ => null,
    };

    internal static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    internal static IReadOnlyList<string> Strings(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).Where(v => v.Length > 0)]
            : [];

    internal static DateTimeOffset? Time(JsonElement obj, string name) =>
        Text(obj, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value
            : null;
}
