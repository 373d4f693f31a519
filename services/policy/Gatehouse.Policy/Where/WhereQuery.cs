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

/// <param name="Uncomparable">Versioned purls whose version the ecosystem's scheme could not compare with the range.</param>
public sealed record WhereResult(
    [property: JsonPropertyName("query")] string Query,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("images")] IReadOnlyList<WhereImage> Images,
    [property: JsonPropertyName("runningImages")] int RunningImages,
    [property: JsonPropertyName("workloads")] int Workloads,
    [property: JsonPropertyName("uncomparable")] IReadOnlyList<string> Uncomparable);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true)]
[JsonSerializable(typeof(WhereResult))]
public sealed partial class WhereJsonContext : JsonSerializerContext;

/// <summary>
/// "Where is it running": the SBOM index (name → purls → versions → digests, written by the scanner) or the advisory
/// index (advisory id → digest and package, kept equal to each digest's current vulnerability report) joined with the
/// runtime inventory (digest → workloads). Only set reads, issued concurrently so Redis pipelines them; no SBOM or
/// report is read. Entries known only from admission count while younger than <see cref="InventoryOptions.AdmittedTtl"/>.
/// </summary>
public sealed class WhereQuery(IKeyValueStore store, RuntimeInventory inventory, IOptions<InventoryOptions> options, TimeProvider time)
{
    private readonly record struct Match(string Digest, string Package, string Version, string? Purl);

    public async Task<WhereResult> RunAsync(WhereQueryText query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var uncomparable = new List<string>();
        var matches = query.Kind == WhereQueryKind.Advisory ? await AdvisoryMatchesAsync(query) : await PackageMatchesAsync(query, uncomparable);

        var digests = matches.Select(m => m.Digest).Distinct(StringComparer.Ordinal).ToList();
        var workloads = await Task.WhenAll(digests.Select(inventory.WorkloadsOfAsync));
        var byDigest = new Dictionary<string, IReadOnlyList<WorkloadEntry>>(StringComparer.Ordinal);
        var oldestAdmitted = time.GetUtcNow() - options.Value.AdmittedTtl;
        for (var i = 0; i < digests.Count; i++)
        {
            byDigest[digests[i]] = [.. workloads[i]
                .Where(w => w.Source != WorkloadEntry.FromAdmission || w.Since >= oldestAdmitted)
                .OrderBy(w => w.Namespace, StringComparer.Ordinal).ThenBy(w => w.OwnerName, StringComparer.Ordinal)
                .ThenBy(w => w.Pod, StringComparer.Ordinal).ThenBy(w => w.Container, StringComparer.Ordinal)];
        }
        var images = matches
            .Select(m => new WhereImage(m.Digest, m.Package, m.Version, m.Purl, byDigest[m.Digest]))
            .OrderByDescending(i => i.Workloads.Count > 0).ThenBy(i => i.Package, StringComparer.Ordinal)
            .ThenBy(i => i.Version, StringComparer.Ordinal).ThenBy(i => i.Digest, StringComparer.Ordinal)
            .ToList();
        return new WhereResult(query.Text, query.Kind.ToString().ToLowerInvariant(), images,
            byDigest.Values.Count(w => w.Count > 0), byDigest.Values.Sum(w => w.Count), uncomparable);
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
        var candidates = (await store.SetMembersAsync(StoreKeys.PackageNames(PackageNameKey.Of(query.Name))))
            .Where(c => query.PurlPrefix is null || string.Equals(Prefix(c), query.PurlPrefix, StringComparison.Ordinal))
            .Where(c => string.Equals(PackageNameKey.Of(PackageNameKey.NameOfPurl(c)), PackageNameKey.Of(query.Name), StringComparison.Ordinal))
            .ToList();
        var versionSets = await Task.WhenAll(candidates.Select(c => store.SetMembersAsync(StoreKeys.PackageVersions(c))));

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
        var digestSets = await Task.WhenAll(wanted.Select(w => store.SetMembersAsync(StoreKeys.PackageVersionImages(w.Purl))));
        var matches = new List<Match>();
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
