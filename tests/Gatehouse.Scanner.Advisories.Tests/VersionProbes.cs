using System.Globalization;
using System.Text.RegularExpressions;
using Gatehouse.Scanner.Advisories.Osv;
using Gatehouse.Scanner.Versioning;

namespace Gatehouse.Scanner.Advisories.Tests;

// The test oracle for per-record matching, written independently of the matcher: a record's
// ranges are turned into explicit intervals ([introduced, fixed), [introduced, last_affected],
// [introduced, +inf)) and a version is affected when an interval of any affected entry for the
// package holds it or the versions list names it. Probe versions are derived from the events:
// each bound itself and its nearest derivable neighbour below or above.
internal static partial class VersionProbes
{
    public sealed record Probe(string Version, bool Expected, string Why);

    private sealed record Interval(IComparableVersion? Low, IComparableVersion? High, bool HighInclusive);

    public static IVersionScheme SchemeFor(string ecosystem, string rangeType)
    {
        Assert.True(VersionSchemes.BuiltIn.TryGetForOsvEcosystem(ecosystem, out IVersionScheme? scheme), $"no scheme for {ecosystem}");
        return rangeType == "SEMVER" && scheme is not SemverVersionScheme ? SemverVersionScheme.Node : scheme;
    }

    public static IReadOnlyList<Probe> For(IReadOnlyList<OsvAffected> entries)
    {
        string ecosystem = entries[0].Package!.Ecosystem!;
        IVersionScheme own = SchemeFor(ecosystem, "ECOSYSTEM");
        var candidates = new List<(string Version, string Why)>();
        foreach (OsvAffected entry in entries)
        {
            foreach (OsvRange range in (entry.Ranges ?? []).Where(r => r.Type is "ECOSYSTEM" or "SEMVER"))
            {
                IVersionScheme scheme = SchemeFor(ecosystem, range.Type!);
                foreach (OsvEvent e in range.Events ?? [])
                {
                    if (e.Introduced is { } introduced && introduced != "0")
                    {
                        candidates.Add((introduced, "introduced itself"));
                        AddIfValid(candidates, Below(introduced, scheme), "just below introduced " + introduced);
                    }

                    if (e.Fixed is { } fixedVersion)
                    {
                        candidates.Add((fixedVersion, "fixed itself"));
                        AddIfValid(candidates, Below(fixedVersion, scheme), "just below fixed " + fixedVersion);
                    }

                    if (e.LastAffected is { } last)
                    {
                        candidates.Add((last, "last_affected itself"));
                        AddIfValid(candidates, Above(last, scheme), "just above last_affected " + last);
                    }
                }
            }

            foreach (string listed in (entry.Versions ?? []).Take(3))
            {
                candidates.Add((listed, "listed in versions"));
                AddIfValid(candidates, own.TryParse(listed, out _, out _) ? Above(listed, own) : null, "just above listed " + listed);
            }
        }

        return [.. candidates
            .DistinctBy(c => c.Version, StringComparer.Ordinal)
            .Select(c => new Probe(c.Version, Expected(entries, c.Version), c.Why))];
    }

    public static bool Expected(IReadOnlyList<OsvAffected> entries, string version)
    {
        string ecosystem = entries[0].Package!.Ecosystem!;
        foreach (OsvAffected entry in entries)
        {
            IVersionScheme own = SchemeFor(ecosystem, "ECOSYSTEM");
            if ((entry.Versions ?? []).Any(v => v == version
                || (own.TryParse(v, out IComparableVersion? a, out _) && own.TryParse(version, out IComparableVersion? b, out _) && a.CompareTo(b) == 0)))
            {
                return true;
            }

            foreach (OsvRange range in (entry.Ranges ?? []).Where(r => r.Type is "ECOSYSTEM" or "SEMVER"))
            {
                IVersionScheme scheme = SchemeFor(ecosystem, range.Type!);
                if (scheme.TryParse(version, out IComparableVersion? v, out _) && Intervals(range, scheme).Any(i => Holds(i, v)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static List<Interval> Intervals(OsvRange range, IVersionScheme scheme)
    {
        Assert.DoesNotContain(range.Events ?? [], e => e.Limit is not null); // no shared record uses limit
        var events = (range.Events ?? [])
            .Select(e => (Kind: e.Introduced is not null ? 0 : e.LastAffected is not null ? 1 : 2, Text: e.Introduced ?? e.LastAffected ?? e.Fixed!))
            .Select(e => (e.Kind, Version: e.Kind == 0 && e.Text == "0" ? null : Parse(scheme, e.Text)))
            .OrderBy(e => e.Version, Comparer<IComparableVersion?>.Create((x, y) => x is null ? (y is null ? 0 : -1) : y is null ? 1 : x.CompareTo(y)))
            .ThenBy(e => e.Kind)
            .ToList();

        var intervals = new List<Interval>();
        IComparableVersion? open = null;
        bool isOpen = false;
        foreach ((int kind, IComparableVersion? version) in events)
        {
            if (kind == 0 && !isOpen)
            {
                (open, isOpen) = (version, true);
            }
            else if (kind != 0 && isOpen)
            {
                intervals.Add(new Interval(open, version, HighInclusive: kind == 1));
                isOpen = false;
            }
        }

        if (isOpen)
        {
            intervals.Add(new Interval(open, null, false));
        }

        return intervals;
    }

    private static bool Holds(Interval interval, IComparableVersion v) =>
        (interval.Low is null || v.CompareTo(interval.Low) >= 0)
        && (interval.High is null || (interval.HighInclusive ? v.CompareTo(interval.High) <= 0 : v.CompareTo(interval.High) < 0));

    private static IComparableVersion Parse(IVersionScheme scheme, string text) =>
        scheme.TryParse(text, out IComparableVersion? v, out string? error) ? v : throw new InvalidOperationException($"{text}: {error}");

    private static void AddIfValid(List<(string, string)> candidates, string? version, string why)
    {
        if (version is not null)
        {
            candidates.Add((version, why));
        }
    }

    // The nearest version below that can be written without knowing the release history: for
    // semver the lowest pre-release ("1.2.3-0"), else the last non-zero number decremented.
    private static string? Below(string version, IVersionScheme scheme)
    {
        string? candidate = scheme is SemverVersionScheme && !version.Contains('-', StringComparison.Ordinal) && !version.Contains('+', StringComparison.Ordinal)
            ? version + "-0"
            : Adjust(version, -1);
        return candidate is not null && scheme.TryCompare(candidate, version, out int sign, out _) && sign < 0 ? candidate : null;
    }

    private static string? Above(string version, IVersionScheme scheme)
    {
        string? candidate = Adjust(version, +1);
        return candidate is not null && scheme.TryCompare(candidate, version, out int sign, out _) && sign > 0 ? candidate : null;
    }

    private static string? Adjust(string version, int delta)
    {
        foreach (Match run in Digits().Matches(version).Reverse())
        {
            if (!ulong.TryParse(run.Value, NumberStyles.None, CultureInfo.InvariantCulture, out ulong value) || (delta < 0 && value == 0))
            {
                continue;
            }

            ulong adjusted = delta < 0 ? value - 1 : value + 1;
            return version[..run.Index] + adjusted.ToString(CultureInfo.InvariantCulture) + version[(run.Index + run.Length)..];
        }

        return null;
    }

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Digits();
}
