using System.Text.Json.Serialization;
using Gatehouse.Contracts;
using Gatehouse.Policy.Inventory;
using Gatehouse.ServiceDefaults.Store;
using Microsoft.Extensions.Options;

namespace Gatehouse.Policy.Where;

/// <summary>One image that contains the queried package (or is affected by the advisory), and where it runs.</summary>
public sealed record WhereImage(
    [property: JsonPropertyName("digest")] string Digest,
    [property: JsonPropertyName("package")] string Package,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("purl")] string? Purl,
    [property: JsonPropertyName("workloads")] IReadOnlyList<WorkloadEntry> Workloads);

/// <param name="Images">The (image, package) matches, running ones first; from <paramref name="Offset"/> on when paged.</param>
/// <param name="RunningImages">Running images among all matches, not only this page's (as are the workloads).</param>
/// <param name="Uncomparable">Versioned purls whose version the ecosystem's scheme could not compare with the range.</param>
/// <param name="Total">How many matches there are in all; a page holds <see cref="Images"/> of them.</param>
/// <param name="ImageCount">How many distinct images the matches are in (one image may match with several packages).</param>
public sealed record WhereResult(
    [property: JsonPropertyName("query")] string Query,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("images")] IReadOnlyList<WhereImage> Images,
    [property: JsonPropertyName("runningImages")] int RunningImages,
    [property: JsonPropertyName("workloads")] int Workloads,
    [property: JsonPropertyName("uncomparable")] IReadOnlyList<string> Uncomparable,
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("imageCount")] int ImageCount,
    [property: JsonPropertyName("offset")] int Offset = 0)
{
    /// <summary>The matches from <paramref name="offset"/>, at most <paramref name="limit"/> of them (of a whole answer).</summary>
    public WhereResult Page(int offset, int limit)
    {
        if (Offset != 0 || Images.Count != Total) throw new InvalidOperationException("only a whole answer is paged");
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var start = Math.Min(offset, Images.Count);
        var count = Math.Min(limit, Images.Count - start);
        return this with { Images = Images is List<WhereImage> list ? list.GetRange(start, count) : [.. Images.Skip(start).Take(count)], Offset = offset };
    }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true)]
[JsonSerializable(typeof(WhereResult))]
public sealed partial class WhereJsonContext : JsonSerializerContext;

/// <summary>
/// "Where is it running": the SBOM index (name → purls → versions → digests, written by the scanner) or the advisory
/// index (advisory id → digest and package, kept equal to each digest's current vulnerability report) joined with the
/// runtime inventory (digest → workloads). Only set reads, each step's keys in one batch (one round trip to Redis:
/// name → purls → versions → digests → workload set versions → the workload sets that changed); no SBOM or report is
/// read, and a workload set whose version did not move since this process last read it is neither read nor parsed
/// again (a fresh process, as the CLI is, reads them all). Entries known only from admission count while younger than
/// <see cref="InventoryOptions.AdmittedTtl"/>.
/// </summary>
public sealed class WhereQuery(IKeyValueStore store, RuntimeInventory inventory, IOptions<InventoryOptions> options, TimeProvider time)
{
    private readonly record struct Match(string Digest, string Package, string Version, string? Purl);

    public async Task<WhereResult> RunAsync(WhereQueryText query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var uncomparable = new List<string>();
        var matches = query.Kind == WhereQueryKind.Advisory ? await AdvisoryMatchesAsync(query) : await PackageMatchesAsync(query, uncomparable);

        var digests = new List<string>(matches.Count);
        var byDigest = new Dictionary<string, IReadOnlyList<WorkloadEntry>>(matches.Count, StringComparer.Ordinal);
        foreach (var match in matches)
        {
            if (byDigest.TryAdd(match.Digest, [])) digests.Add(match.Digest);
        }
        // One read of every digest's set version, then of the sets that changed; the entries come parsed and ordered
        // (namespace, owner, pod, container).
        var workloads = await inventory.WorkloadsOfManyAsync(digests);
        var oldestAdmitted = time.GetUtcNow() - options.Value.AdmittedTtl;
        int running = 0, total = 0;
        for (var i = 0; i < digests.Count; i++)
        {
            var current = Current(workloads[i], oldestAdmitted);
            byDigest[digests[i]] = current;
            total += current.Count;
            if (current.Count > 0) running++;
        }
        var images = new List<WhereImage>(matches.Count);
        foreach (var m in matches) images.Add(new WhereImage(m.Digest, m.Package, m.Version, m.Purl, byDigest[m.Digest]));
        images.Sort(static (a, b) =>
        {
            var c = (b.Workloads.Count > 0).CompareTo(a.Workloads.Count > 0);
            if (c == 0) c = string.CompareOrdinal(a.Package, b.Package);
            if (c == 0) c = string.CompareOrdinal(a.Version, b.Version);
            if (c == 0) c = string.CompareOrdinal(a.Digest, b.Digest);
            return c != 0 ? c : string.CompareOrdinal(a.Purl, b.Purl);
        });
        return new WhereResult(query.Text, query.Kind.ToString().ToLowerInvariant(), images, running, total, uncomparable, images.Count, digests.Count);
    }

    /// <summary>The entries without those known only from an admission older than the TTL (the list itself when none is).</summary>
    private static IReadOnlyList<WorkloadEntry> Current(IReadOnlyList<WorkloadEntry> entries, DateTimeOffset oldestAdmitted)
    {
        static bool Expired(WorkloadEntry w, DateTimeOffset oldest) => w.Source == WorkloadEntry.FromAdmission && w.Since < oldest;
        var first = 0;
        while (first < entries.Count && !Expired(entries[first], oldestAdmitted)) first++;
        if (first == entries.Count) return entries;
        var kept = new List<WorkloadEntry>(entries.Count - 1);
        for (var i = 0; i < entries.Count; i++)
        {
            if (!Expired(entries[i], oldestAdmitted)) kept.Add(entries[i]);
        }
        return kept;
    }

    private async Task<List<Match>> AdvisoryMatchesAsync(WhereQueryText query)
    {
        var members = await store.SetMembersAsync(StoreKeys.AdvisoryImages(query.Text));
        var matches = new List<Match>();
        foreach (var text in members)
        {
            if (AdvisoryImageMember.TryParse(text, out var member)) matches.Add(new Match(member.Digest, member.Package, member.Version, member.Purl));
        }
        return [.. matches.Distinct()];
    }

    private async Task<List<Match>> PackageMatchesAsync(WhereQueryText query, List<string> uncomparable)
    {
        var nameKey = PackageNameKey.Of(query.Name);
        var candidates = (await store.SetMembersAsync(StoreKeys.PackageNames(nameKey)))
            .Where(c => query.PurlPrefix is null || string.Equals(Prefix(c), query.PurlPrefix, StringComparison.Ordinal))
            .Where(c => string.Equals(PackageNameKey.Of(PackageNameKey.NameOfPurl(c)), nameKey, StringComparison.Ordinal))
            .ToList();
        var versionSets = await store.SetMembersManyAsync([.. candidates.Select(StoreKeys.PackageVersions)]);

        var wanted = new List<(string Purl, string Package, string Version)>();
        for (var i = 0; i < candidates.Count; i++)
        {
            var type = TypeOf(candidates[i]);
            var package = Uri.UnescapeDataString(PackageNameKey.NameOfPurl(candidates[i]));
            foreach (var versioned in versionSets[i])
            {
                var version = Uri.UnescapeDataString(versioned[(versioned.LastIndexOf('@') + 1)..]);
                switch (query.Version?.Matches(type, version))
                {
                    case null when query.Version is not null:
                        uncomparable.Add(versioned);
                        break;
                    case false:
                        break;
                    default:
                        wanted.Add((versioned, package, version));
                        break;
                }
            }
        }
        var digestSets = await store.SetMembersManyAsync([.. wanted.Select(w => StoreKeys.PackageVersionImages(w.Purl))]);
        var matches = new List<Match>(digestSets.Sum(d => d.Count));
        for (var i = 0; i < wanted.Count; i++)
        {
            foreach (var digest in digestSets[i]) matches.Add(new Match(digest, wanted[i].Package, wanted[i].Version, wanted[i].Purl));
        }
        return matches;
    }

    /// <summary><c>pkg:deb/debian/</c> of <c>pkg:deb/debian/openssl</c>, decoded and lower case (how queries compare it).</summary>
    private static string Prefix(string purl) => Uri.UnescapeDataString(purl[..(purl.LastIndexOf('/') + 1)]).ToLowerInvariant();

    private static string TypeOf(string purl)
    {
        var colon = purl.IndexOf(':', StringComparison.Ordinal);
        var slash = purl.IndexOf('/', colon + 1);
        return colon < 0 || slash < 0 ? "generic" : purl[(colon + 1)..slash].ToLowerInvariant();
    }
}
