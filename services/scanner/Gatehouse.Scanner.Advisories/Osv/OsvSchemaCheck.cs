using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gatehouse.Scanner.Advisories.Osv;

// The strict OSV schema's constraints (validation/schema.json of ossf/osv-schema), checked on the
// typed record so a deviation is reported while the record is still used. Lint covers what
// osv-linter flags beyond the schema. Patterns are transcribed from the schema; JSON Schema
// patterns are unanchored unless they say otherwise, and the timestamp one is not anchored.
internal static partial class OsvSchemaCheck
{
    private static readonly HashSet<string> SeverityTypes = new(StringComparer.Ordinal) { "CVSS_V2", "CVSS_V3", "CVSS_V4", "Ubuntu" };
    private static readonly HashSet<string> RangeTypes = new(StringComparer.Ordinal) { "GIT", "SEMVER", "ECOSYSTEM" };

    private static readonly HashSet<string> ReferenceTypes = new(StringComparer.Ordinal)
    {
        "ADVISORY", "ARTICLE", "DETECTION", "DISCUSSION", "REPORT", "FIX", "INTRODUCED", "GIT", "PACKAGE", "EVIDENCE", "WEB",
    };

    public static IReadOnlyList<string> Deviations(OsvRecord record)
    {
        var found = new List<string>();
        if (record.Id is null || !IdPrefix().IsMatch(record.Id))
        {
            found.Add($"id: '{record.Id}' does not start with a known database prefix");
        }

        CheckTimestamp(found, "modified", record.Modified, required: true);
        CheckTimestamp(found, "published", record.Published, required: false);
        CheckTimestamp(found, "withdrawn", record.Withdrawn, required: false);
        CheckSeverities(found, "severity", record.Severity);
        CheckObject(found, "database_specific", record.DatabaseSpecific);

        for (int i = 0; i < (record.Affected?.Count ?? 0); i++)
        {
            CheckAffected(found, $"affected[{i}]", record.Affected![i], topLevelSeverity: record.Severity is not null);
        }

        for (int i = 0; i < (record.References?.Count ?? 0); i++)
        {
            OsvReference reference = record.References![i];
            if (reference.Type is null || !ReferenceTypes.Contains(reference.Type))
            {
                found.Add($"references[{i}].type: '{reference.Type}' is not a reference type");
            }

            if (reference.Url is null)
            {
                found.Add($"references[{i}].url: required");
            }
        }

        return found;
    }

    // osv-linter style findings: the record is schema-valid but cannot mean what it says.
    public static IReadOnlyList<string> Lint(OsvRecord record)
    {
        var found = new List<string>();
        for (int i = 0; i < (record.Affected?.Count ?? 0); i++)
        {
            OsvAffected affected = record.Affected![i];
            IReadOnlyList<OsvRange> ranges = affected.Ranges ?? [];
            if (affected.Package is null)
            {
                found.Add(ranges.Count > 0 && ranges.All(r => r.Type == "GIT")
                    ? $"affected[{i}]: no package, only GIT ranges: matchable by commit only, not by package version"
                    : $"affected[{i}]: no package: not matchable");
            }
            else if (ranges.Count == 0 && (affected.Versions?.Count ?? 0) == 0)
            {
                found.Add($"affected[{i}]: neither ranges nor versions: affects nothing");
            }

            for (int j = 0; j < ranges.Count; j++)
            {
                var versions = (ranges[j].Events ?? []).Select(EventVersion).Where(v => v is not null).ToList();
                foreach (string? duplicate in versions.GroupBy(v => v, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key))
                {
                    found.Add($"affected[{i}].ranges[{j}]: events not distinct: '{duplicate}' appears more than once");
                }
            }
        }

        return found;
    }

    private static void CheckAffected(List<string> found, string path, OsvAffected affected, bool topLevelSeverity)
    {
        if (affected.Package is { } package)
        {
            if (package.Ecosystem is null)
            {
                found.Add($"{path}.package.ecosystem: required");
            }
            else if (!Ecosystem().IsMatch(package.Ecosystem))
            {
                found.Add($"{path}.package.ecosystem: '{package.Ecosystem}' is not a known ecosystem");
            }

            if (package.Name is null)
            {
                found.Add($"{path}.package.name: required");
            }
        }

        if (topLevelSeverity && affected.Severity is not null)
        {
            found.Add($"{path}.severity: must not be set when the top-level severity is");
        }

        CheckSeverities(found, path + ".severity", affected.Severity);
        CheckObject(found, path + ".ecosystem_specific", affected.EcosystemSpecific);
        CheckObject(found, path + ".database_specific", affected.DatabaseSpecific);
        for (int j = 0; j < (affected.Ranges?.Count ?? 0); j++)
        {
            CheckRange(found, $"{path}.ranges[{j}]", affected.Ranges![j]);
        }
    }

    private static void CheckRange(List<string> found, string path, OsvRange range)
    {
        if (range.Type is null || !RangeTypes.Contains(range.Type))
        {
            found.Add($"{path}.type: '{range.Type}' is not GIT, SEMVER or ECOSYSTEM");
        }

        bool git = range.Type == "GIT";
        if (git && range.Repo is null)
        {
            found.Add($"{path}.repo: required for GIT ranges");
        }

        CheckObject(found, path + ".database_specific", range.DatabaseSpecific);
        IReadOnlyList<OsvEvent> events = range.Events ?? [];
        if (events.Count == 0)
        {
            found.Add($"{path}.events: at least one event is required");
            return;
        }

        if (!events.Any(e => e.Introduced is not null))
        {
            found.Add($"{path}.events: must contain an introduced event");
        }

        if (events.Any(e => e.Fixed is not null) && events.Any(e => e.LastAffected is not null))
        {
            found.Add($"{path}.events: last_affected and fixed are mutually exclusive");
        }

        for (int k = 0; k < events.Count; k++)
        {
            OsvEvent e = events[k];
            int kinds = (e.Introduced is null ? 0 : 1) + (e.Fixed is null ? 0 : 1) + (e.LastAffected is null ? 0 : 1) + (e.Limit is null ? 0 : 1);
            if (kinds != 1)
            {
                found.Add($"{path}.events[{k}]: must have exactly one of introduced, fixed, last_affected, limit (has {kinds})");
            }
            else if (git && !GitCommit().IsMatch(EventVersion(e)!))
            {
                found.Add($"{path}.events[{k}]: '{EventVersion(e)}' is not a full-length commit hash");
            }
        }
    }

    private static void CheckSeverities(List<string> found, string path, IReadOnlyList<OsvSeverity>? severities)
    {
        for (int i = 0; i < (severities?.Count ?? 0); i++)
        {
            OsvSeverity severity = severities![i];
            if (severity.Type is null || !SeverityTypes.Contains(severity.Type))
            {
                found.Add($"{path}[{i}].type: '{severity.Type}' is not a severity type");
                continue;
            }

            Regex? pattern = severity.Type switch
            {
                "CVSS_V2" => CvssV2(),
                "CVSS_V3" => CvssV3(),
                "CVSS_V4" => CvssV4(),
                _ => null,
            };
            if (pattern is not null && (severity.Score is null || !pattern.IsMatch(severity.Score)))
            {
                found.Add($"{path}[{i}].score: '{severity.Score}' does not match the {severity.Type} vector pattern");
            }
        }
    }

    private static void CheckTimestamp(List<string> found, string field, string? value, bool required)
    {
        if (value is null)
        {
            if (required)
            {
                found.Add($"{field}: required");
            }
        }
        else if (!Timestamp().IsMatch(value))
        {
            found.Add($"{field}: '{value}' is not an RFC 3339 UTC timestamp");
        }
    }

    private static void CheckObject(List<string> found, string path, JsonElement? value)
    {
        if (value is { ValueKind: not JsonValueKind.Object and not JsonValueKind.Undefined })
        {
            found.Add($"{path}: must be an object");
        }
    }

    private static string? EventVersion(OsvEvent e) => e.Introduced ?? e.Fixed ?? e.LastAffected ?? e.Limit;

    [GeneratedRegex("^(x_|(ASB-A|PUB-A|ALPINE|ALSA|ALBA|ALEA|AZL|BELL|BIT|CGA|CLEANSTART|CLSA|CURL|CVE|DEBIAN|DHI|DRUPAL|DSA|DLA|ELA|DTSA|ECHO|EEF|FreeBSD|GHSA|GO|GSD|HSEC|JLSEC|KUBE|LBSEC|LSN|MAL|MINI|MGASA|OESA|OSEC|OSV|openSUSE-SU|PHSA|PSF|PYSEC|RHBA|RHEA|RHSA|RLSA|RXSA|RSEC|ROOT|RUSTSEC|SUSE-[SRFO]U|UBUNTU|USN|V8)-)", RegexOptions.CultureInvariant)]
    private static partial Regex IdPrefix();

    [GeneratedRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?Z", RegexOptions.CultureInvariant)]
    private static partial Regex Timestamp();

    [GeneratedRegex("^(AlmaLinux|Alpaquita|Alpine|Android|Azure Linux|BellSoft Hardened Containers|Bioconductor|Bitnami|Chainguard|CleanStart|ConanCenter|CRAN|crates\\.io|Debian|Docker Hardened Images|Echo|FreeBSD|GHC|GitHub Actions|Go|Hackage|Hex|Julia|Kubernetes|Linux|Mageia|Maven|MinimOS|npm|NuGet|opam|openEuler|openSUSE|OSS-Fuzz|Packagist|Photon OS|Pub|PyPI|Red Hat|Rocky Linux|Root|RubyGems|SUSE|SwiftURL|TuxCare|Ubuntu|VSCode|Wolfi|GIT)(:.+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Ecosystem();

    [GeneratedRegex("^(0|[a-f0-9]{40}|[a-f0-9]{64})$", RegexOptions.CultureInvariant)]
    private static partial Regex GitCommit();

    [GeneratedRegex("^((AV:[NAL]|AC:[LMH]|Au:[MSN]|[CIA]:[NPC]|E:(U|POC|F|H|ND)|RL:(OF|TF|W|U|ND)|RC:(UC|UR|C|ND)|CDP:(N|L|LM|MH|H|ND)|TD:(N|L|M|H|ND)|[CIA]R:(L|M|H|ND))/)*(AV:[NAL]|AC:[LMH]|Au:[MSN]|[CIA]:[NPC]|E:(U|POC|F|H|ND)|RL:(OF|TF|W|U|ND)|RC:(UC|UR|C|ND)|CDP:(N|L|LM|MH|H|ND)|TD:(N|L|M|H|ND)|[CIA]R:(L|M|H|ND))$", RegexOptions.CultureInvariant)]
    private static partial Regex CvssV2();

    [GeneratedRegex("^CVSS:3[.][01]/((AV:[NALP]|AC:[LH]|PR:[NLH]|UI:[NR]|S:[UC]|[CIA]:[NLH]|E:[XUPFH]|RL:[XOTWU]|RC:[XURC]|[CIA]R:[XLMH]|MAV:[XNALP]|MAC:[XLH]|MPR:[XNLH]|MUI:[XNR]|MS:[XUC]|M[CIA]:[XNLH])/)*(AV:[NALP]|AC:[LH]|PR:[NLH]|UI:[NR]|S:[UC]|[CIA]:[NLH]|E:[XUPFH]|RL:[XOTWU]|RC:[XURC]|[CIA]R:[XLMH]|MAV:[XNALP]|MAC:[XLH]|MPR:[XNLH]|MUI:[XNR]|MS:[XUC]|M[CIA]:[XNLH])$", RegexOptions.CultureInvariant)]
    private static partial Regex CvssV3();

    [GeneratedRegex("^CVSS:4[.]0/AV:[NALP]/AC:[LH]/AT:[NP]/PR:[NLH]/UI:[NPA]/VC:[HLN]/VI:[HLN]/VA:[HLN]/SC:[HLN]/SI:[HLN]/SA:[HLN](/E:[XAPU])?(/CR:[XHML])?(/IR:[XHML])?(/AR:[XHML])?(/MAV:[XNALP])?(/MAC:[XLH])?(/MAT:[XNP])?(/MPR:[XNLH])?(/MUI:[XNPA])?(/MVC:[XNLH])?(/MVI:[XNLH])?(/MVA:[XNLH])?(/MSC:[XNLH])?(/MSI:[XNLHS])?(/MSA:[XNLHS])?(/S:[XNP])?(/AU:[XNY])?(/R:[XAUI])?(/V:[XDC])?(/RE:[XLMH])?(/U:(X|Clear|Green|Amber|Red))?$", RegexOptions.CultureInvariant)]
    private static partial Regex CvssV4();
}
