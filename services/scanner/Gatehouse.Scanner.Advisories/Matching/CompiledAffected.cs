using Gatehouse.Scanner.Advisories.Osv;
using Gatehouse.Scanner.Advisories.Severity;
using Gatehouse.Scanner.Versioning;

namespace Gatehouse.Scanner.Advisories.Matching;

internal enum Verdict
{
    NotAffected,
    Affected,
    NotEvaluated,
}

internal sealed record AffectedOutcome(Verdict Verdict, IReadOnlyList<string> FixedVersions, FixState FixState, string? Reason)
{
    public static readonly AffectedOutcome NotAffected = new(Verdict.NotAffected, [], FixState.Unknown, null);

    public static AffectedOutcome NotEvaluated(string reason) => new(Verdict.NotEvaluated, [], FixState.Unknown, reason);
}

// Installed versions parsed at most once per scheme while one package is matched (almost
// always one scheme; SEMVER ranges in a non-semver ecosystem add a second).
internal sealed class ParsedVersions(string text)
{
    private readonly List<(IVersionScheme Scheme, IComparableVersion? Version, string? Error)> parsed = new(1);

    public string Text { get; } = text;

    public bool TryGet(IVersionScheme scheme, out IComparableVersion? version, out string? error)
    {
        foreach ((IVersionScheme known, IComparableVersion? v, string? e) in parsed)
        {
            if (ReferenceEquals(known, scheme))
            {
                (version, error) = (v, e);
                return version is not null;
            }
        }

        bool ok = scheme.TryParse(Text, out version, out error);
        parsed.Add((scheme, version, error));
        return ok;
    }
}

// One affected[] entry of one record, compiled for matching: ranges parsed and sorted once, the
// explicit versions list kept as text (compared exactly, then by the scheme), severities ranked.
internal sealed class CompiledAffected
{
    private readonly CompiledRange[] ranges;
    private readonly HashSet<string> versions;
    private readonly bool onlyCommitRanges;
    private readonly bool hasVersionRanges;
    private readonly Lazy<IComparableVersion[]> parsedVersions;

    public CompiledAffected(OsvRecord record, int affectedIndex, IVersionScheme? scheme, string? schemeError)
    {
        Record = record;
        AffectedIndex = affectedIndex;
        Scheme = scheme;
        SchemeError = schemeError;
        OsvAffected affected = record.Affected![affectedIndex];
        versions = new HashSet<string>(affected.Versions ?? [], StringComparer.Ordinal);
        IReadOnlyList<OsvRange> all = affected.Ranges ?? [];
        ranges = scheme is null
            ? []
            : [.. all.Where(r => r.Type is "ECOSYSTEM" or "SEMVER").Select(r => CompiledRange.Compile(r, RangeScheme(r, scheme)))];
        onlyCommitRanges = all.Count > 0 && all.All(r => r.Type == "GIT");
        hasVersionRanges = all.Any(r => r.Type is "ECOSYSTEM" or "SEMVER");
        parsedVersions = new Lazy<IComparableVersion[]>(() => ParseListed(scheme));
        Severities = SeverityCandidates.For(record, affectedIndex);
    }

    public OsvRecord Record { get; }

    public int AffectedIndex { get; }

    public IVersionScheme? Scheme { get; }

    public string? SchemeError { get; }

    public IReadOnlyList<(int Rank, SeverityRating Rating)> Severities { get; }

    public IReadOnlyList<CompiledRange> Ranges => ranges;

    // The OSV algorithm: affected when the version is listed or inside any range. Never throws.
    public AffectedOutcome Evaluate(ParsedVersions installed)
    {
        try
        {
            return EvaluateCore(installed);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            return AffectedOutcome.NotEvaluated($"{Record.Id}: evaluation failed: {e.Message}");
        }
    }

    private AffectedOutcome EvaluateCore(ParsedVersions installed)
    {
        bool listed = versions.Contains(installed.Text);
        if (Scheme is null)
        {
            return listed ? Affected([], FixState.Unknown)
                : hasVersionRanges || (onlyCommitRanges && versions.Count == 0) ? AffectedOutcome.NotEvaluated($"{Record.Id}: {SchemeError}")
                : AffectedOutcome.NotAffected;
        }

        List<string>? fixes = null, errors = null;
        bool hit = false, ceiling = false;
        foreach (CompiledRange range in ranges)
        {
            if (range.Error is not null)
            {
                (errors ??= []).Add(range.Error);
                continue;
            }

            if (!installed.TryGet(range.Scheme, out IComparableVersion? version, out string? parseError))
            {
                (errors ??= []).Add($"installed version '{installed.Text}' is not a valid {range.Scheme.Name} version: {parseError}");
                continue;
            }

            RangeHit result = range.Evaluate(version!);
            if (result.Affected)
            {
                hit = true;
                ceiling |= result.CeilingOnly;
                if (result.FixedVersion is not null && (fixes is null || !fixes.Contains(result.FixedVersion)))
                {
                    (fixes ??= new List<string>(1)).Add(result.FixedVersion);
                }
            }
        }

        if (!listed && versions.Count > 0 && installed.TryGet(Scheme, out IComparableVersion? own, out _))
        {
            listed = parsedVersions.Value.Any(v => v.CompareTo(own) == 0);
        }

        if (hit || listed)
        {
            FixState state = fixes is not null ? FixState.Fixed : ceiling || !hit ? FixState.Unknown : FixState.NotFixed;
            return Affected(fixes ?? [], state);
        }

        if (errors is not null)
        {
            return AffectedOutcome.NotEvaluated($"{Record.Id}: {string.Join("; ", errors.Distinct(StringComparer.Ordinal))}");
        }

        return onlyCommitRanges && versions.Count == 0
            ? AffectedOutcome.NotEvaluated($"{Record.Id}: only GIT commit ranges and no versions list; a package version cannot be placed in them")
            : AffectedOutcome.NotAffected;
    }

    private static AffectedOutcome Affected(IReadOnlyList<string> fixes, FixState state) => new(Verdict.Affected, fixes, state, null);

    // OSV SEMVER ranges are SemVer 2.0 whatever the ecosystem; keep the ecosystem's own semver
    // dialect when it has one (Go's optional "v", cargo's rules).
    private static IVersionScheme RangeScheme(OsvRange range, IVersionScheme ecosystemScheme) =>
        range.Type == "SEMVER" && ecosystemScheme is not SemverVersionScheme ? SemverVersionScheme.Node : ecosystemScheme;

    private IComparableVersion[] ParseListed(IVersionScheme? scheme)
    {
        if (scheme is null)
        {
            return [];
        }

        var parsed = new List<IComparableVersion>(versions.Count);
        foreach (string text in versions)
        {
            // Listed versions the scheme rejects (e.g. "4.36.-1") can still match exactly as text.
            if (scheme.TryParse(text, out IComparableVersion? v, out _))
            {
                parsed.Add(v);
            }
        }

        return [.. parsed];
    }
}
