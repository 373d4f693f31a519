using Gatehouse.Contracts.Messages;

namespace Gatehouse.Scanner.Advisories.Store;

public enum ImportProblemKind
{
    // Not readable as an OSV record: skipped, counted in Invalid.
    Unreadable,

    // Readable but off the strict OSV schema: used, reported.
    SchemaDeviation,

    // Schema-valid but meaningless or unmatchable in part (osv-linter style): used, reported.
    Lint,

    // The same id twice in one import, or an older copy of a stored record: the other one kept.
    Superseded,

    // A source-level failure (an archive that could not be fetched): retried next time.
    Source,
}

public sealed record ImportProblem(ImportProblemKind Kind, string Origin, string? RecordId, string Message);

// What one import or sync did. ChangedPackages are version-less purls of every package whose
// advisories changed (added, updated or withdrawn records, old and new packages both), which is
// exactly what AdvisoriesUpdated announces.
public sealed record ImportReport
{
    public required string Source { get; init; }

    public required string Location { get; init; }

    public int Read { get; init; }

    public int Added { get; init; }

    public int Updated { get; init; }

    public int Unchanged { get; init; }

    // Older than the stored copy (incremental by "modified"), or a duplicate in the same import.
    public int Superseded { get; init; }

    // Withdrawn records seen: removed from matching (or never added).
    public int Withdrawn { get; init; }

    public int Invalid { get; init; }

    // Records used although off the strict schema.
    public int SchemaDeviations { get; init; }

    // Archives the mirror answered 304 Not Modified for, and archives fetched.
    public int NotModified { get; init; }

    public int Fetched { get; init; }

    public required IReadOnlyList<ImportProblem> Problems { get; init; }

    public required IReadOnlyList<string> ChangedPackages { get; init; }

    public required string PreviousDataVersion { get; init; }

    public required string DataVersion { get; init; }

    // Active (not withdrawn) records in the store after the import.
    public int RecordCount { get; init; }

    public bool Changed => PreviousDataVersion != DataVersion;

    // The bus message for this import, or null when nothing changed.
    public AdvisoriesUpdated? ToAdvisoriesUpdated(DateTimeOffset updatedAt) =>
        Changed ? new AdvisoriesUpdated(Source + ":" + Location, DataVersion, ChangedPackages, RecordCount, updatedAt) : null;
}

// Store overview for `advisories status`.
public sealed record StoreStatus(
    string Path,
    string DataVersion,
    int RecordCount,
    int WithdrawnCount,
    IReadOnlyDictionary<string, int> RecordsBySource,
    IReadOnlyDictionary<string, int> RecordsByEcosystem,
    IReadOnlyList<SyncState> SyncStates,
    string? LastImportAt);

public sealed record SyncState(string Url, string? ETag, string? LastModified, string CheckedAt);
