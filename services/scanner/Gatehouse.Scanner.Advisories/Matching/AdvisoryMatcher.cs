using Gatehouse.Scanner.Advisories.Ecosystems;

namespace Gatehouse.Scanner.Advisories.Matching;

// The matching entry point: packages in, findings out, against one snapshot. OS packages are
// looked up by their source package in their distro release's own records (so a backported fix,
// fixed version <= installed, is not reported); language packages by their ecosystem's
// normalized name. Records that alias each other become one finding.
public sealed class AdvisoryMatcher(AdvisorySnapshot snapshot)
{
    public AdvisorySnapshot Snapshot { get; } = snapshot ?? throw new ArgumentNullException(nameof(snapshot));

    public MatchResult Match(IEnumerable<PackageQuery> packages)
    {
        ArgumentNullException.ThrowIfNull(packages);
        var findings = new List<Finding>();
        foreach (PackageQuery package in packages)
        {
            findings.AddRange(Match(package));
        }

        return new MatchResult(Snapshot.DataVersion, findings);
    }

    public IReadOnlyList<Finding> Match(PackageQuery package)
    {
        ArgumentNullException.ThrowIfNull(package);
        EcosystemRegistry registry = Snapshot.Ecosystems;
        registry.TryFind(package.Ecosystem, out IEcosystem? ecosystem, out _);

        var evaluated = new List<Evaluation>();
        IReadOnlyList<CompiledAffected>? earlier = null;
        HashSet<CompiledAffected>? seen = null; // only when a second lookup could repeat entries
        foreach ((string name, string version) in Lookups(package, ecosystem))
        {
            IReadOnlyList<CompiledAffected> candidates = Snapshot.Candidates(registry.KeyOf(package.Ecosystem, name));
            if (candidates.Count == 0)
            {
                continue;
            }

            if (earlier is not null)
            {
                seen ??= [.. earlier];
            }

            earlier = candidates;
            var installed = new ParsedVersions(ecosystem?.NormalizeVersion(version) ?? version.Trim());
            foreach (CompiledAffected candidate in candidates)
            {
                if (seen is not null && !seen.Add(candidate))
                {
                    continue;
                }

                // Most candidates were fixed long ago: only what gets reported is kept.
                AffectedOutcome outcome = candidate.Evaluate(installed);
                if (outcome.Verdict != Verdict.NotAffected)
                {
                    evaluated.Add(new Evaluation(candidate, outcome, installed.Text));
                }
            }
        }

        return evaluated.Count == 0 ? [] : FindingAssembler.Assemble(package, evaluated, Snapshot.DataVersion);
    }

    // Distro advisories name source packages and source versions; some distros (Red Hat, Wolfi)
    // also file binary package names, so those are looked up too.
    private static IEnumerable<(string Name, string Version)> Lookups(PackageQuery package, IEcosystem? ecosystem)
    {
        if (ecosystem is not { IsOperatingSystem: true })
        {
            yield return (package.Name, package.Version);
            yield break;
        }

        string sourceName = string.IsNullOrWhiteSpace(package.SourceName) ? package.Name : package.SourceName;
        string sourceVersion = string.IsNullOrWhiteSpace(package.SourceVersion) ? package.Version : package.SourceVersion;
        yield return (sourceName, sourceVersion);
        if (ecosystem.Naming == PackageNaming.SourceOrBinary && !string.Equals(sourceName, package.Name, StringComparison.Ordinal))
        {
            yield return (package.Name, package.Version);
        }
    }
}

internal sealed record Evaluation(CompiledAffected Affected, AffectedOutcome Outcome, string ComparedVersion);
