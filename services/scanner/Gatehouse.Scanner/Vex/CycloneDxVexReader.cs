using System.Text.Json;

namespace Gatehouse.Scanner.Vex;

/// <summary>
/// Reads the VEX part of a CycloneDX document (1.4+): each <c>vulnerabilities[]</c> entry with an
/// <c>analysis.state</c> becomes a statement about the components its <c>affects[].ref</c> names. A ref is a
/// bom-ref of this document, a BOM-Link (<c>urn:cdx:serial/version#bom-ref</c>) into the image's SBOM, or a purl;
/// Gatehouse bom-refs are <c>purl|path</c>, so a link into a Gatehouse SBOM resolves to the package's purl.
/// Analysis states map onto OpenVEX statuses: not_affected and false_positive → not_affected, resolved(_with_pedigree)
/// → fixed, exploitable → affected, in_triage → under_investigation.
/// </summary>
public static class CycloneDxVexReader
{
    public const string Format = "cyclonedx-vex";

    public static bool LooksLike(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object
        && OpenVexReader.Text(root, "bomFormat") == "CycloneDX"
        && root.TryGetProperty("vulnerabilities", out var list) && list.ValueKind == JsonValueKind.Array;

    public static VexDocument Read(JsonElement root, string source)
    {
        var refs = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (root.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && metadata.TryGetProperty("component", out var subject))
        {
            Collect(subject, refs);
        }
        if (root.TryGetProperty("components", out var components) && components.ValueKind == JsonValueKind.Array)
        {
            foreach (var component in components.EnumerateArray())
            {
                Collect(component, refs);
            }
        }

        var documentTime = metadata.ValueKind == JsonValueKind.Object ? OpenVexReader.Time(metadata, "timestamp") : null;
        var statements = new List<VexStatement>();
        var skipped = 0;
        foreach (var vulnerability in root.GetProperty("vulnerabilities").EnumerateArray())
        {
            if (Statement(vulnerability, refs, documentTime, source) is { } statement)
            {
                statements.Add(statement);
            }
            else
            {
                skipped++;
            }
        }

        var error = skipped == 0 ? null : $"{skipped} vulnerabilities without an id, an analysis state or affected components were skipped";
        return new VexDocument(source, Format, statements, error);
    }

    private static VexStatement? Statement(JsonElement vulnerability, Dictionary<string, List<string>> refs, DateTimeOffset? documentTime, string source)
    {
        if (vulnerability.ValueKind != JsonValueKind.Object || OpenVexReader.Text(vulnerability, "id") is not { } id
            || !vulnerability.TryGetProperty("analysis", out var analysis) || analysis.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var state = OpenVexReader.Text(analysis, "state");
        VexStatus? status = state switch
        {
            "not_affected" or "false_positive" => VexStatus.NotAffected,
            "resolved" or "resolved_with_pedigree" => VexStatus.Fixed,
            "exploitable" => VexStatus.Affected,
            "in_triage" => VexStatus.UnderInvestigation,
            _ => null,
        };
        var products = new List<VexProduct>();
        if (vulnerability.TryGetProperty("affects", out var affects) && affects.ValueKind == JsonValueKind.Array)
        {
            foreach (var affected in affects.EnumerateArray())
            {
                if (affected.ValueKind == JsonValueKind.Object && OpenVexReader.Text(affected, "ref") is { } reference)
                {
                    products.Add(new VexProduct(Resolve(reference, refs), []));
                }
            }
        }
        if (status is null || products.Count == 0)
        {
            return null;
        }

        var aliases = new List<string>();
        if (vulnerability.TryGetProperty("references", out var references) && references.ValueKind == JsonValueKind.Array)
        {
            aliases.AddRange(references.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.Object)
                .Select(r => OpenVexReader.Text(r, "id")).OfType<string>());
        }

        var responses = OpenVexReader.Strings(analysis, "response");
        return new VexStatement
        {
            Vulnerability = id,
            Aliases = aliases,
            Products = products,
            Status = status.Value,
            Justification = OpenVexReader.Text(analysis, "justification") ?? (state == "false_positive" ? "false_positive" : null),
            ImpactStatement = OpenVexReader.Text(analysis, "detail"),
            ActionStatement = responses.Count == 0 ? null : string.Join(", ", responses),
            Timestamp = OpenVexReader.Time(analysis, "lastUpdated") ?? OpenVexReader.Time(vulnerability, "updated")
                ?? OpenVexReader.Time(analysis, "firstIssued") ?? OpenVexReader.Time(vulnerability, "published") ?? documentTime,
            Source = source,
        };
    }

    /// <summary>The identifiers a ref stands for: the component's purl and bom-ref, or the ref itself.</summary>
    private static List<string> Resolve(string reference, Dictionary<string, List<string>> refs)
    {
        var fragment = reference;
        if (reference.StartsWith("urn:cdx:", StringComparison.Ordinal) && reference.IndexOf('#', StringComparison.Ordinal) is var hash and > 0)
        {
            fragment = Uri.UnescapeDataString(reference[(hash + 1)..]);
        }
        if (refs.TryGetValue(fragment, out var known))
        {
            return known;
        }

        // A Gatehouse bom-ref "purl|path", or a bare purl.
        var bar = fragment.IndexOf('|', StringComparison.Ordinal);
        var purl = bar > 0 ? fragment[..bar] : fragment;
        return purl == reference ? [reference] : [purl, reference];
    }

    private static void Collect(JsonElement component, Dictionary<string, List<string>> refs)
    {
        if (component.ValueKind != JsonValueKind.Object)
        {
            return;
        }
        var bomRef = OpenVexReader.Text(component, "bom-ref");
        var identifiers = new List<string>();
        if (OpenVexReader.Text(component, "purl") is { } purl)
        {
            identifiers.Add(purl);
        }
        if (bomRef is not null)
        {
            identifiers.Add(bomRef);
            refs.TryAdd(bomRef, identifiers);
        }
        if (component.TryGetProperty("components", out var nested) && nested.ValueKind == JsonValueKind.Array)
        {
            foreach (var child in nested.EnumerateArray())
            {
                Collect(child, refs);
            }
        }
    }
}
