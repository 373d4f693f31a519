using Gatehouse.Contracts;
using Gatehouse.Scanner.Advisories;
using Gatehouse.ServiceDefaults.Store;

namespace Gatehouse.Scanner.Vulnerabilities;

/// <summary>
/// Advisory id → images (<see cref="StoreKeys.AdvisoryImages"/>), kept equal to the findings of each digest's current
/// report: every id and alias of an affected or not-evaluated finding (VEX-suppressed ones are left out: the image is
/// declared not affected). What a digest contributed is recorded beside it (<see cref="StoreKeys.ImageAdvisories"/>),
/// so a newer report removes exactly the entries that no longer hold, even after the older report expired.
/// </summary>
public sealed class AdvisoryImageIndex(IKeyValueStore store)
{
    public async Task UpdateAsync(string digest, VulnerabilityReport report)
    {
        ArgumentException.ThrowIfNullOrEmpty(digest);
        ArgumentNullException.ThrowIfNull(report);
        var wanted = Pairs(digest, report);
        var held = (await store.SetMembersAsync(StoreKeys.ImageAdvisories(digest))).ToHashSet(StringComparer.Ordinal);
        foreach (var pair in held.Where(p => !wanted.Contains(p)))
        {
            var (id, member) = Split(pair);
            await store.SetRemoveAsync(StoreKeys.AdvisoryImages(id), member);
            await store.SetRemoveAsync(StoreKeys.ImageAdvisories(digest), pair);
        }
        foreach (var pair in wanted.Where(p => !held.Contains(p)))
        {
            var (id, member) = Split(pair);
            // Member before bookkeeping: if interrupted, the next report of the digest adds the same pair again.
            await store.SetAddAsync(StoreKeys.AdvisoryImages(id), member);
            await store.SetAddAsync(StoreKeys.ImageAdvisories(digest), pair);
        }
    }

    /// <summary><c>ID\nmember</c> for every (id or alias, package) of the report's relevant findings.</summary>
    public static HashSet<string> Pairs(string digest, VulnerabilityReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var pairs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var finding in report.Findings.Where(f => f.Status != FindingStatus.Suppressed))
        {
            var member = new AdvisoryImageMember(digest, finding.Package.Name, finding.Package.Version, finding.Package.Purl).Format();
            foreach (var id in finding.Aliases.Prepend(finding.Id).Where(i => !string.IsNullOrWhiteSpace(i)))
            {
                pairs.Add(id.Trim().ToUpperInvariant() + "\n" + member);
            }
        }
        return pairs;
    }

    private static (string Id, string Member) Split(string pair)
    {
        var newline = pair.IndexOf('\n', StringComparison.Ordinal);
        return (pair[..newline], pair[(newline + 1)..]);
    }
}
