using System.Text.Json;
using Gatehouse.Contracts;
using Gatehouse.Contracts.Decisions;
using Gatehouse.Contracts.Messages;
using Gatehouse.Policy.Decisions;
using Gatehouse.Policy.Facts;
using Gatehouse.Policy.Impact;
using Gatehouse.Policy.Inventory;
using Gatehouse.Policy.Model;
using Gatehouse.ServiceDefaults.Store;
using Microsoft.Extensions.Options;

namespace Gatehouse.Policy.Dashboard;

/// <summary>
/// What the dashboard knows of images, read from the shared store on each request (nothing cached, so every
/// replica answers alike): the digests with facts or an SBOM, their names, their decisions per profile and the
/// workloads running them. A listing reads each digest's names (one set read, plus the SBOM record when the digest
/// was never pushed under a name), issued concurrently so Redis pipelines them; the rest is read for one page only.
/// </summary>
public sealed class ImageCatalog(
    IKeyValueStore store, FactStore facts, RuntimeInventory inventory, DecisionMac mac, IOptions<InventoryOptions> inventoryOptions, TimeProvider time)
{
    /// <summary>The set <see cref="FactStore.AddReferenceAsync"/> adds the pushed references of a digest to.</summary>
    private const string ReferencesKind = "refs";

    public sealed record Names(string Digest, string Name, IReadOnlyList<string> Tags);

    /// <summary>The SBOM record's fields the dashboard reads (the scanner writes the whole record, camel case).</summary>
    public sealed record SbomRecordNames(string Registry, string Repository, int ComponentCount, DateTimeOffset GeneratedAt);

    public async Task<IReadOnlyList<string>> ProfilesAsync() =>
        [.. (await store.SetMembersAsync(DecisionRecorder.ProfilesKey)).Order(StringComparer.Ordinal)];

    /// <param name="profiles">The profiles with decisions (<see cref="ProfilesAsync"/>, as the filter was checked against).</param>
    public async Task<ImagePage> ListAsync(ImageFilter filter, IReadOnlyList<string> profiles)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(profiles);
        var versions = await VersionsAsync(profiles);
        var digests = (await Task.WhenAll(store.SetMembersAsync(FactStore.DigestsKey), store.SetMembersAsync(StoreKeys.IndexedImages)))
            .SelectMany(d => d).Where(ContentDigest.IsValid).Distinct(StringComparer.Ordinal).ToList();
        var named = await Task.WhenAll(digests.Select(NamesAsync));
        IEnumerable<Names> matching = named.Where(filter.Matches);
        if (filter.Status is not null)
        {
            var candidates = matching.ToList();
            var decided = await Task.WhenAll(candidates.Select(n => DecisionsAsync(n.Digest, filter.Profile is null ? profiles : [filter.Profile], versions)));
            matching = candidates.Where((_, i) => decided[i].Values.Any(d => d.Status == filter.Status));
        }
        var ordered = matching
            .OrderBy(n => n.Name.Length == 0).ThenBy(n => n.Name, StringComparer.Ordinal).ThenBy(n => n.Digest, StringComparer.Ordinal)
            .ToList();
        var page = ordered.Skip(filter.Offset).Take(filter.Limit).ToList();
        var summaries = await Task.WhenAll(page.Select(n => SummaryAsync(n, profiles, versions)));
        return new ImagePage(ordered.Count, filter.Offset, filter.Limit, profiles, summaries);
    }

    /// <summary>The names of a digest: its pushed references, else the repository its SBOM was made for.</summary>
    public async Task<Names> NamesAsync(string digest)
    {
        var references = (await store.SetMembersAsync(FactStore.FactKey(digest, ReferencesKind)))
            .Select(r => ImageReference.TryParse(r, out var parsed, out _) ? parsed : null).OfType<ImageReference>()
            .OrderBy(r => r.FullName, StringComparer.Ordinal).ThenBy(r => r.Tag, StringComparer.Ordinal)
            .ToList();
        if (references.Count > 0)
        {
            var tags = references.Select(r => r.Tag is null ? r.FullName : r.FullName + ":" + r.Tag).Distinct(StringComparer.Ordinal).ToList();
            return new Names(digest, references[0].FullName, tags);
        }
        return await SbomRecordAsync(digest) is { } sbom ? new Names(digest, $"{sbom.Registry}/{sbom.Repository}", []) : new Names(digest, "", []);
    }

    public async Task<SbomRecordNames?> SbomRecordAsync(string digest)
    {
        if (await store.GetAsync(StoreKeys.SbomRecord(digest)) is not { } json) return null;
        try
        {
            var record = JsonSerializer.Deserialize(json, DashboardStoreJsonContext.Default.SbomRecordNames);
            return record is { Registry.Length: > 0, Repository.Length: > 0 } ? record : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The current versions of each profile (a record is current only when it carries them).</summary>
    public async Task<IReadOnlyDictionary<string, DecisionVersions?>> VersionsAsync(IReadOnlyList<string> profiles)
    {
        var read = await Task.WhenAll(profiles.Select(p => store.GetAsync(StoreKeys.DecisionVersions(p))));
        var versions = new Dictionary<string, DecisionVersions?>(StringComparer.Ordinal);
        for (var i = 0; i < profiles.Count; i++) versions[profiles[i]] = Parse(read[i]);
        return versions;
    }

    public async Task<IReadOnlyDictionary<string, DecisionRecord>> RecordsAsync(string digest, IReadOnlyList<string> profiles)
    {
        var read = await Task.WhenAll(profiles.Select(p => store.GetAsync(StoreKeys.Decision(p, digest))));
        var records = new SortedDictionary<string, DecisionRecord>(StringComparer.Ordinal);
        for (var i = 0; i < profiles.Count; i++)
        {
            if (DecisionRecorder.Parse(read[i]) is { } record && record.Digest == digest && record.Profile == profiles[i]) records[profiles[i]] = record;
        }
        return records;
    }

    /// <summary>Why admission would not use the record now (null: it would).</summary>
    public string? NotCurrent(DecisionRecord record, DecisionVersions? versions)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!mac.Verify(record)) return "the record's MAC does not verify (admission ignores it)";
        if (versions is null || !versions.Matches(record)) return "decided under an earlier policy, trust root or advisory data; a new decision is due";
        return record.ValidUntil is { } until && until <= time.GetUtcNow() ? $"expired at {until:u} (the scan is too old)" : null;
    }

    /// <summary>The workloads running a digest now, as the where-query counts them (admission entries only while young).</summary>
    public async Task<IReadOnlyList<WorkloadEntry>> RunningAsync(string digest)
    {
        var oldestAdmitted = time.GetUtcNow() - inventoryOptions.Value.AdmittedTtl;
        return [.. (await inventory.WorkloadsOfAsync(digest))
            .Where(w => w.Source != WorkloadEntry.FromAdmission || w.Since >= oldestAdmitted)
            .OrderBy(w => w.Namespace, StringComparer.Ordinal).ThenBy(w => w.OwnerName, StringComparer.Ordinal)
            .ThenBy(w => w.Pod, StringComparer.Ordinal).ThenBy(w => w.Container, StringComparer.Ordinal)];
    }

    public static FindingCounts? Counts(VulnerabilitiesFound? found) => found is null ? null
        : new FindingCounts(found.Critical, found.High, found.Medium, found.Low, found.Unknown, found.FixableCritical, found.FixableHigh,
            found.NotEvaluated, found.AdvisoryDataVersion, found.EvaluatedAt);

    public static string SignatureStatus(SignaturesVerified? verified) => verified switch
    {
        null => "unknown",
        { Signers.Count: > 0 } => "verified",
        { Failures.Count: > 0 } => "invalid",
        { ArtifactsFound: 0 } => "unsigned",
        _ => "unverified",
    };

    private async Task<IReadOnlyDictionary<string, DecisionSummary>> DecisionsAsync(
        string digest, IReadOnlyList<string> profiles, IReadOnlyDictionary<string, DecisionVersions?> versions)
    {
        var records = await RecordsAsync(digest, profiles);
        return records.ToDictionary(r => r.Key, r => new DecisionSummary(r.Value.Status,
            NotCurrent(r.Value, versions.GetValueOrDefault(r.Key)) is null, r.Value.DecidedAt), StringComparer.Ordinal);
    }

    private async Task<ImageSummary> SummaryAsync(Names names, IReadOnlyList<string> profiles, IReadOnlyDictionary<string, DecisionVersions?> versions)
    {
        var decisions = DecisionsAsync(names.Digest, profiles, versions);
        var snapshot = facts.ReadAsync(names.Digest);
        var running = RunningAsync(names.Digest);
        await Task.WhenAll(decisions, snapshot, running);
        var counts = Counts(snapshot.Result.Vulnerabilities);
        return new ImageSummary(names.Digest, names.Name, names.Tags, decisions.Result, counts, ImpactSnapshot.WorstSeverity(snapshot.Result.Vulnerabilities),
            SignatureStatus(snapshot.Result.Signatures), running.Result.Count);
    }

    private static DecisionVersions? Parse(string? json)
    {
        if (json is null) return null;
        try
        {
            return JsonSerializer.Deserialize(json, DecisionJsonContext.Default.DecisionVersions);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(ImageCatalog.SbomRecordNames))]
internal sealed partial class DashboardStoreJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
