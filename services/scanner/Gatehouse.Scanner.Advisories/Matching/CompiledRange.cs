using Gatehouse.Scanner.Advisories.Osv;
using Gatehouse.Scanner.Versioning;

namespace Gatehouse.Scanner.Advisories.Matching;

// Order matters only between events at the same version: an introduced event opens before a
// last_affected or fixed at that version closes, so [X, X) is empty and [X, X] holds X.
internal enum EventKind
{
    Introduced = 0,
    LastAffected = 1,
    Fixed = 2,
}

// Version is null only for introduced "0", which sorts before every version.
internal readonly record struct RangeEvent(EventKind Kind, string Text, IComparableVersion? Version);

// Where a version stands in one range: affected or not, and if affected, the fix that closes its
// interval (Fixed), or a last_affected ceiling (no known fix), or neither (no fix yet).
internal readonly record struct RangeHit(bool Affected, string? FixedVersion, bool CeilingOnly)
{
    public static RangeHit Outside => default;
}

// One ECOSYSTEM or SEMVER range with its events parsed and sorted once, evaluated by the OSV
// specification's algorithm: walk events in version order; introduced (v >= e) makes v
// affected, fixed (v >= e) and last_affected (v > e) make it unaffected; the last event that
// applies decides. Limits bound the range from above ("*" = unbounded). Unsorted input is fine.
internal sealed class CompiledRange
{
    private readonly RangeEvent[] events;
    private readonly IComparableVersion[] limits;
    private readonly bool unboundedLimit;

    private CompiledRange(IVersionScheme scheme, RangeEvent[] events, IComparableVersion[] limits, bool unboundedLimit, string? error)
    {
        Scheme = scheme;
        this.events = events;
        this.limits = limits;
        this.unboundedLimit = unboundedLimit;
        Error = error;
    }

    public IVersionScheme Scheme { get; }

    // Why the range cannot be evaluated (an event version the scheme rejects, no introduced event).
    public string? Error { get; }

    public IReadOnlyList<RangeEvent> Events => events;

    public static CompiledRange Compile(OsvRange range, IVersionScheme scheme)
    {
        var parsed = new List<RangeEvent>();
        var limitList = new List<IComparableVersion>();
        bool unbounded = false;
        try
        {
            foreach (OsvEvent e in range.Events ?? [])
            {
                // A malformed event with several keys is read as several events.
                if (e.Introduced is { } introduced)
                {
                    if (introduced.Trim() == "0")
                    {
                        parsed.Add(new RangeEvent(EventKind.Introduced, "0", null));
                    }
                    else if (!TryAdd(parsed, EventKind.Introduced, "introduced", introduced, scheme, out string? error))
                    {
                        return Failed(scheme, error);
                    }
                }

                if (e.Fixed is { } fixedText && !TryAdd(parsed, EventKind.Fixed, "fixed", fixedText, scheme, out string? fixedError))
                {
                    return Failed(scheme, fixedError);
                }

                if (e.LastAffected is { } last && !TryAdd(parsed, EventKind.LastAffected, "last_affected", last, scheme, out string? lastError))
                {
                    return Failed(scheme, lastError);
                }

                if (e.Limit is { } limit)
                {
                    if (limit.Contains('*', StringComparison.Ordinal))
                    {
                        unbounded = true;
                    }
                    else if (scheme.TryParse(limit, out IComparableVersion? limitVersion, out string? limitError))
                    {
                        limitList.Add(limitVersion);
                    }
                    else
                    {
                        return Failed(scheme, Describe("limit", limit, scheme, limitError));
                    }
                }
            }

            if (!parsed.Any(p => p.Kind == EventKind.Introduced))
            {
                return Failed(scheme, "range has no introduced event");
            }

            RangeEvent[] sorted = [.. parsed.OrderBy(p => p, EventOrder.Instance)];
            return new CompiledRange(scheme, sorted, [.. limitList], unbounded, null);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            return Failed(scheme, "range cannot be ordered: " + e.Message);
        }
    }

    public RangeHit Evaluate(IComparableVersion version)
    {
        if (Error is not null)
        {
            return RangeHit.Outside;
        }

        if (limits.Length > 0 && !unboundedLimit && !limits.Any(l => version.CompareTo(l) < 0))
        {
            return RangeHit.Outside;
        }

        int last = -1;
        for (int i = 0; i < events.Length; i++)
        {
            if (Applies(events[i], version))
            {
                last = i;
            }
        }

        if (last < 0 || events[last].Kind != EventKind.Introduced)
        {
            return RangeHit.Outside;
        }

        // Affected: the next closing event above the version names the fix, if any.
        for (int j = last + 1; j < events.Length; j++)
        {
            switch (events[j].Kind)
            {
                case EventKind.Fixed:
                    return new RangeHit(true, events[j].Text, false);
                case EventKind.LastAffected:
                    return new RangeHit(true, null, true);
            }
        }

        return new RangeHit(true, null, false);
    }

    private static bool Applies(RangeEvent e, IComparableVersion v) => e.Kind switch
    {
        EventKind.Introduced => e.Version is null || v.CompareTo(e.Version) >= 0,
        EventKind.Fixed => v.CompareTo(e.Version) >= 0,
        _ => v.CompareTo(e.Version) > 0,
    };

    private static bool TryAdd(List<RangeEvent> parsed, EventKind kind, string field, string text, IVersionScheme scheme, out string? error)
    {
        if (scheme.TryParse(text, out IComparableVersion? version, out string? parseError))
        {
            parsed.Add(new RangeEvent(kind, text, version));
            error = null;
            return true;
        }

        error = Describe(field, text, scheme, parseError);
        return false;
    }

    private static string Describe(string field, string text, IVersionScheme scheme, string? error) =>
        $"{field} '{text}' is not a valid {scheme.Name} version: {error}";

    private static CompiledRange Failed(IVersionScheme scheme, string? error) =>
        new(scheme, [], [], false, error ?? "range cannot be evaluated");

    private sealed class EventOrder : IComparer<RangeEvent>
    {
        public static readonly EventOrder Instance = new();

        public int Compare(RangeEvent x, RangeEvent y)
        {
            int byVersion = (x.Version, y.Version) switch
            {
                (null, null) => 0,
                (null, _) => -1,
                (_, null) => 1,
                _ => x.Version.CompareTo(y.Version),
            };
            return byVersion != 0 ? byVersion : ((int)x.Kind).CompareTo((int)y.Kind);
        }
    }
}
