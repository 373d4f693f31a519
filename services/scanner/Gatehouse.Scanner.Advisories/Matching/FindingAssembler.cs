using Gatehouse.Scanner.Advisories.Osv;
using Gatehouse.Scanner.Advisories.Severity;
using Gatehouse.Scanner.Versioning;

namespace Gatehouse.Scanner.Advisories.Matching;

// Turns per-record outcomes for one package into findings: records that share an id or alias
// (CVE, GHSA, DSA, PYSEC...) are merged, transitively, into one finding that lists every id.
// Affected beats not-evaluated within a merged group; a group with no affected record but some
// not-evaluated one is reported as not-evaluated, never dropped. Written without LINQ: it runs
// for every finding of every scan.
internal static class FindingAssembler
{
    public static IReadOnlyList<Finding> Assemble(PackageQuery package, List<Evaluation> evaluations, string dataVersion)
    {
        // Entries of one record are adjacent in a candidate list; a linear search beats a
        // dictionary for the few dozen records one package has.
        var records = new List<RecordResult>();
        foreach (Evaluation evaluation in evaluations)
        {
            string id = evaluation.Affected.Record.Id ?? string.Empty;
            RecordResult? result = null;
            for (int i = records.Count - 1; i >= 0 && result is null; i--)
            {
                result = records[i].Id == id ? records[i] : null;
            }

            if (result is null)
            {
                records.Add(result = new RecordResult(evaluation.Affected.Record, id));
            }

            result.Add(evaluation);
        }

        records.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        var subject = new FindingPackage
        {
            Name = package.Name,
            Version = package.Version,
            Purl = package.Purl,
            Ecosystem = package.Ecosystem,
            SourceName = package.SourceName,
            SourceVersion = package.SourceVersion,
        };
        var findings = new List<Finding>(records.Count);
        foreach (List<RecordResult> group in MergeByAlias(records))
        {
            findings.Add(Build(subject, group, dataVersion));
        }

        findings.Sort((a, b) => a.Severity.Level != b.Severity.Level ? b.Severity.Level.CompareTo(a.Severity.Level) : string.CompareOrdinal(a.Id, b.Id));
        return findings;
    }

    private static Finding Build(FindingPackage package, List<RecordResult> group, string dataVersion)
    {
        var ids = new List<string>(4);
        bool affected = false;
        foreach (RecordResult r in group)
        {
            ids.Add(r.Id);
            ids.AddRange(r.Record.Aliases ?? []);
            affected |= r.Verdict == Verdict.Affected;
        }

        ids.Sort(StringComparer.Ordinal);
        string? primary = null;
        foreach (string id in ids)
        {
            if (id.StartsWith("CVE-", StringComparison.Ordinal))
            {
                primary = id;
                break;
            }
        }

        primary ??= group[0].Id;

        // The sorted ids become the aliases in place: primary and duplicates removed.
        int kept = 0;
        for (int i = 0; i < ids.Count; i++)
        {
            if (ids[i] != primary && (kept == 0 || ids[kept - 1] != ids[i]))
            {
                ids[kept++] = ids[i];
            }
        }

        ids.RemoveRange(kept, ids.Count - kept);

        Verdict wanted = affected ? Verdict.Affected : Verdict.NotEvaluated;
        var fixes = new List<string>(1);
        List<string>? reasons = null;
        string[] recordIds = new string[group.Count];
        int recordIndex = 0;
        IVersionScheme? scheme = null;
        Evaluation? decidingEvaluation = null;
        bool unknownFix = false;
        string? summary = null;
        foreach (RecordResult r in group)
        {
            recordIds[recordIndex++] = r.Id;
            if (summary is null || r.Id == primary)
            {
                summary = string.IsNullOrWhiteSpace(r.Record.Summary) ? summary : r.Record.Summary;
            }

            if (r.Verdict != wanted)
            {
                continue;
            }

            decidingEvaluation ??= r.Deciding[0];
            unknownFix |= r.UnknownFix;
            foreach (Evaluation e in r.Deciding)
            {
                scheme ??= e.Affected.Scheme;
                foreach (string fix in e.Outcome.FixedVersions)
                {
                    if (!fixes.Contains(fix))
                    {
                        fixes.Add(fix);
                    }
                }

                if (e.Outcome.Reason is { } reason && (reasons is null || !reasons.Contains(reason)))
                {
                    (reasons ??= []).Add(reason);
                }
            }
        }

        if (fixes.Count > 1)
        {
            fixes.Sort(new VersionOrder(scheme));
        }

        return new Finding
        {
            Id = primary,
            Aliases = ids,
            Records = recordIds,
            Summary = summary,
            Package = package,
            InstalledVersion = decidingEvaluation!.ComparedVersion,
            FixedVersions = fixes,
            FixState = !affected ? FixState.Unknown : fixes.Count > 0 ? FixState.Fixed : unknownFix ? FixState.Unknown : FixState.NotFixed,
            Severity = ChooseSeverity(group, primary),
            AdvisoryDataVersion = dataVersion,
            Status = affected ? FindingStatus.Affected : FindingStatus.NotEvaluated,
            Reason = affected ? null : string.Join("; ", reasons ?? []),
        };
    }

    // Best-ranked severity over the merged records' deciding entries (SeverityCandidates holds the
    // ranking); at equal rank the record whose id is the finding's id wins, then record id order.
    private static SeverityRating ChooseSeverity(List<RecordResult> group, string primary)
    {
        SeverityRating? best = null;
        (int Rank, int Primary) bestKey = (int.MaxValue, int.MaxValue);
        foreach (RecordResult r in group)
        {
            int isPrimary = r.Id == primary ? 0 : 1;
            foreach (Evaluation e in r.Deciding)
            {
                foreach ((int rank, SeverityRating rating) in e.Affected.Severities)
                {
                    if ((rank, isPrimary).CompareTo(bestKey) < 0)
                    {
                        (best, bestKey) = (rating, (rank, isPrimary));
                    }
                }
            }
        }

        return best ?? SeverityRating.None;
    }

    // Union-find over records connected by a shared id or alias; one group per vulnerability.
    private static List<List<RecordResult>> MergeByAlias(List<RecordResult> records)
    {
        if (records.Count == 1)
        {
            return [records];
        }

        int[] parent = new int[records.Count];
        for (int i = 0; i < parent.Length; i++)
        {
            parent[i] = i;
        }

        int Find(int i) => parent[i] == i ? i : parent[i] = Find(parent[i]);

        bool merged = false;
        var owner = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < records.Count; i++)
        {
            Link(i, records[i].Id);
            foreach (string alias in records[i].Record.Aliases ?? [])
            {
                Link(i, alias);
            }
        }

        var ordered = new List<List<RecordResult>>(records.Count);
        if (!merged)
        {
            foreach (RecordResult record in records)
            {
                ordered.Add([record]);
            }

            return ordered;
        }

        var groups = new Dictionary<int, List<RecordResult>>();
        for (int i = 0; i < records.Count; i++)
        {
            int root = Find(i);
            if (!groups.TryGetValue(root, out List<RecordResult>? group))
            {
                groups[root] = group = [];
                ordered.Add(group);
            }

            group.Add(records[i]);
        }

        return ordered;

        void Link(int record, string id)
        {
            if (owner.TryGetValue(id, out int other))
            {
                parent[Find(record)] = Find(other);
                merged = true;
            }
            else
            {
                owner[id] = record;
            }
        }
    }

    // One record's affected entries for this package: affected if any entry is; the deciding
    // entries (affected ones, else not-evaluated ones) supply installed version, fixes, reasons.
    private sealed class RecordResult(OsvRecord record, string id)
    {
        public OsvRecord Record { get; } = record;

        public string Id { get; } = id;

        public List<Evaluation> Deciding { get; private set; } = new(1);

        public Verdict Verdict { get; private set; } = Verdict.NotAffected;

        public bool UnknownFix { get; private set; }

        public void Add(Evaluation evaluation)
        {
            Verdict verdict = evaluation.Outcome.Verdict;
            if (verdict == Verdict.NotAffected || (verdict == Verdict.NotEvaluated && Verdict == Verdict.Affected))
            {
                return;
            }

            if (verdict == Verdict.Affected && Verdict != Verdict.Affected)
            {
                Deciding = new(1);
                Verdict = Verdict.Affected;
            }
            else if (Verdict == Verdict.NotAffected)
            {
                Verdict = Verdict.NotEvaluated;
            }

            Deciding.Add(evaluation);
            UnknownFix |= verdict == Verdict.Affected && evaluation.Outcome.FixState == FixState.Unknown;
        }
    }

    // Fixed versions in the ecosystem's order; text the scheme rejects goes last, ordinally.
    private sealed class VersionOrder(IVersionScheme? scheme) : IComparer<string>
    {
        public int Compare(string? x, string? y)
        {
            if (scheme is not null && x is not null && y is not null)
            {
                bool px = scheme.TryParse(x, out IComparableVersion? vx, out _);
                bool py = scheme.TryParse(y, out IComparableVersion? vy, out _);
                if (px && py)
                {
                    int byScheme = vx!.CompareTo(vy);
                    if (byScheme != 0)
                    {
                        return byScheme;
                    }
                }
                else if (px != py)
                {
                    return px ? -1 : 1;
                }
            }

            return string.CompareOrdinal(x, y);
        }
    }
}
