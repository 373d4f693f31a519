using System.Collections.Concurrent;
using Gatehouse.Scanner.Advisories.Ecosystems;
using Gatehouse.Scanner.Advisories.Osv;
using Gatehouse.Scanner.Versioning;

namespace Gatehouse.Scanner.Advisories.Matching;

// An immutable, in-memory view of one advisory data version: records indexed by (ecosystem key,
// normalized name) for O(1) candidate lookup. Range events are parsed and sorted the first time a
// package key is looked up and cached for the life of the snapshot, so a scan never re-parses
// advisory versions. Thread-safe; a new data version means a new snapshot, swapped atomically.
public sealed class AdvisorySnapshot
{
    private readonly OsvRecord[] records;
    private readonly Dictionary<PackageKey, (int Record, int Affected)[]> index;
    private readonly ConcurrentDictionary<PackageKey, CompiledAffected[]> compiled = new();

    private AdvisorySnapshot(
        string dataVersion,
        OsvRecord[] records,
        Dictionary<PackageKey, (int Record, int Affected)[]> index,
        EcosystemRegistry ecosystems,
        VersionSchemes schemes)
    {
        DataVersion = dataVersion;
        this.records = records;
        this.index = index;
        Ecosystems = ecosystems;
        Schemes = schemes;
    }

    public string DataVersion { get; }

    public int RecordCount => records.Length;

    public int PackageCount => index.Count;

    public EcosystemRegistry Ecosystems { get; }

    public VersionSchemes Schemes { get; }

    public IEnumerable<PackageKey> Keys => index.Keys;

    // Withdrawn records and records without an id are left out; of two records with the same id
    // the later "modified" wins.
    public static AdvisorySnapshot Create(
        IEnumerable<OsvRecord> records,
        string dataVersion,
        EcosystemRegistry? ecosystems = null,
        VersionSchemes? schemes = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        ecosystems ??= EcosystemRegistry.BuiltIn;
        var byId = new Dictionary<string, OsvRecord>(StringComparer.Ordinal);
        foreach (OsvRecord record in records)
        {
            if (record.Id is null || record.IsWithdrawn)
            {
                continue;
            }

            if (!byId.TryGetValue(record.Id, out OsvRecord? existing) || OsvTimestamps.Compare(record.Modified, existing.Modified) >= 0)
            {
                byId[record.Id] = record;
            }
        }

        OsvRecord[] kept = [.. byId.Values.OrderBy(r => r.Id, StringComparer.Ordinal)];
        var lists = new Dictionary<PackageKey, List<(int, int)>>();
        for (int r = 0; r < kept.Length; r++)
        {
            IReadOnlyList<OsvAffected> affected = kept[r].Affected ?? [];
            for (int a = 0; a < affected.Count; a++)
            {
                if (affected[a].Package is { Ecosystem: { } ecosystem, Name: { } name })
                {
                    PackageKey key = ecosystems.KeyOf(ecosystem, name);
                    if (!lists.TryGetValue(key, out List<(int, int)>? list))
                    {
                        lists[key] = list = [];
                    }

                    list.Add((r, a));
                }
            }
        }

        var index = lists.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
        return new AdvisorySnapshot(dataVersion, kept, index, ecosystems, schemes ?? VersionSchemes.BuiltIn);
    }

    public static AdvisorySnapshot Empty(string dataVersion) => Create([], dataVersion);

    public IEnumerable<OsvRecord> Records => records;

    // Compiles every package key now (service start-up), so the first scan pays nothing.
    public void Prepare()
    {
        foreach (PackageKey key in index.Keys)
        {
            Candidates(key);
        }
    }

    internal IReadOnlyList<CompiledAffected> Candidates(PackageKey key) =>
        index.ContainsKey(key) ? compiled.GetOrAdd(key, Compile) : [];

    private CompiledAffected[] Compile(PackageKey key)
    {
        (int Record, int Affected)[] entries = index[key];
        var result = new CompiledAffected[entries.Length];
        for (int i = 0; i < entries.Length; i++)
        {
            OsvRecord record = records[entries[i].Record];
            string ecosystem = record.Affected![entries[i].Affected].Package!.Ecosystem!;
            IVersionScheme? scheme = Schemes.TryGetForOsvEcosystem(ecosystem, out IVersionScheme? found) ? found : null;
            string? schemeError = scheme is null ? $"no version ordering is known for ecosystem '{ecosystem}'" : null;
            result[i] = new CompiledAffected(record, entries[i].Affected, scheme, schemeError);
        }

        return result;
    }
}
