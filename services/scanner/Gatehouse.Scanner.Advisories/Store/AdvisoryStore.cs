using System.Text.Json;
using Gatehouse.Scanner.Advisories.Ecosystems;
using Gatehouse.Scanner.Advisories.Matching;
using Gatehouse.Scanner.Advisories.Osv;
using Gatehouse.Scanner.Advisories.Sources;
using Gatehouse.Scanner.Versioning;
using Microsoft.Data.Sqlite;

namespace Gatehouse.Scanner.Advisories.Store;

public sealed record AdvisoryStoreOptions
{
    public EcosystemRegistry Ecosystems { get; init; } = EcosystemRegistry.BuiltIn;

    public VersionSchemes Schemes { get; init; } = VersionSchemes.BuiltIn;

    public AdvisorySources Sources { get; init; } = AdvisorySources.BuiltIn;

    // For mirror syncs; a shared client with a generous timeout when not given.
    public HttpClient? Http { get; init; }

    // Ecosystems a mirror sync fetches (e.g. "Debian", "npm"); empty: the mirror's ecosystems.txt.
    public IReadOnlyList<string> MirrorEcosystems { get; init; } = [];

    public TimeProvider Time { get; init; } = TimeProvider.System;
}

// The persistent advisory database: one SQLite file. One writer imports (folder, zip, mirror);
// any number of scanner replicas open it read-only and load snapshots. Each operation uses its
// own connection, so the store is safe to share between threads; a snapshot is read inside one
// read transaction and is therefore exactly one data version.
public sealed class AdvisoryStore : IDisposable
{
    private static readonly HttpClient SharedHttp = new() { Timeout = TimeSpan.FromMinutes(30) };
    private readonly SemaphoreSlim importGate = new(1, 1);
    private readonly AdvisoryStoreOptions options;

    private AdvisoryStore(string path, bool readOnly, AdvisoryStoreOptions options)
    {
        Path = path;
        IsReadOnly = readOnly;
        this.options = options;
    }

    public string Path { get; }

    public bool IsReadOnly { get; }

    public string DataVersion
    {
        get
        {
            using SqliteConnection connection = Connect();
            return StoreSchema.GetMeta(connection, "data_version") ?? StoreSchema.ComputeDataVersion(connection);
        }
    }

    // Creates the file if needed; re-indexes packages if the ecosystem rules changed since.
    public static AdvisoryStore Open(string path, AdvisoryStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new AdvisoryStoreOptions();
        string full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        using SqliteConnection connection = StoreSchema.Connect(full, readOnly: false);
        StoreSchema.Create(connection);
        string? rules = StoreSchema.GetMeta(connection, "rules_version");
        if (rules != options.Ecosystems.RulesVersion)
        {
            using SqliteTransaction transaction = connection.BeginTransaction();
            if (rules is not null)
            {
                RecordWriter.Reindex(connection, transaction, options.Ecosystems);
            }

            StoreSchema.SetMeta(connection, "rules_version", options.Ecosystems.RulesVersion, transaction);
            StoreSchema.SetMeta(connection, "data_version", StoreSchema.ComputeDataVersion(connection, transaction), transaction);
            transaction.Commit();
        }

        return new AdvisoryStore(full, readOnly: false, options);
    }

    // For scanner replicas: never writes, works on a read-only volume.
    public static AdvisoryStore OpenReadOnly(string path, AdvisoryStoreOptions? options = null)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"advisory store '{full}' does not exist; import advisories first", full);
        }

        return new AdvisoryStore(full, readOnly: true, options ?? new AdvisoryStoreOptions());
    }

    public AdvisorySnapshot LoadSnapshot()
    {
        using SqliteConnection connection = Connect();
        using SqliteTransaction transaction = connection.BeginTransaction(deferred: true);
        string dataVersion = StoreSchema.GetMeta(connection, "data_version", transaction) ?? StoreSchema.ComputeDataVersion(connection, transaction);
        var records = new List<OsvRecord>();
        using (SqliteCommand command = StoreSchema.Command(connection, "SELECT match_document FROM advisory WHERE withdrawn = 0", transaction))
        using (SqliteDataReader reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                if (JsonSerializer.Deserialize(reader.GetString(0), OsvJsonContext.Default.OsvRecord) is { } record)
                {
                    records.Add(record);
                }
            }
        }

        transaction.Commit();
        return AdvisorySnapshot.Create(records, dataVersion, options.Ecosystems, options.Schemes);
    }

    // Imports from a folder, a .zip archive or an http(s) mirror, whichever the location is.
    public Task<ImportReport> ImportAsync(string location, CancellationToken cancellationToken = default)
    {
        if (!options.Sources.TryFind(location, out IAdvisorySource? source))
        {
            throw new ArgumentException($"'{location}' is not a folder, a .zip archive or an http(s) URL", nameof(location));
        }

        return ImportAsync(source, location, cancellationToken);
    }

    // One transaction: records, package index, mirror state and data version change together or not at all.
    public async Task<ImportReport> ImportAsync(IAdvisorySource source, string location, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (IsReadOnly)
        {
            throw new InvalidOperationException($"advisory store '{Path}' is open read-only");
        }

        await importGate.WaitAsync(cancellationToken);
        try
        {
            using SqliteConnection connection = Connect();
            string previous = StoreSchema.GetMeta(connection, "data_version") ?? StoreSchema.ComputeDataVersion(connection);
            using SqliteTransaction transaction = connection.BeginTransaction();
            using var writer = new RecordWriter(connection, transaction, options.Ecosystems);
            var context = new ImportContext(options.Http ?? SharedHttp, options.MirrorEcosystems, options.Time, url => ReadSyncState(connection, transaction, url));
            await foreach (AdvisoryDocument document in source.ReadAsync(location, context, cancellationToken))
            {
                writer.Apply(document);
            }

            foreach (SyncState state in context.PendingStates)
            {
                WriteSyncState(connection, transaction, state);
            }

            string dataVersion = StoreSchema.ComputeDataVersion(connection, transaction);
            StoreSchema.SetMeta(connection, "data_version", dataVersion, transaction);
            StoreSchema.SetMeta(connection, "last_import_at", options.Time.GetUtcNow().ToString("O"), transaction);
            int count = Count(connection, transaction, "SELECT COUNT(*) FROM advisory WHERE withdrawn = 0");
            transaction.Commit();

            return new ImportReport
            {
                Source = source.Name,
                Location = location,
                Read = writer.Read,
                Added = writer.Added,
                Updated = writer.Updated,
                Unchanged = writer.Unchanged,
                Superseded = writer.Superseded,
                Withdrawn = writer.Withdrawn,
                Invalid = writer.Invalid,
                SchemaDeviations = writer.SchemaDeviations,
                NotModified = context.NotModified,
                Fetched = context.Fetched,
                Problems = [.. context.Problems, .. writer.Problems],
                ChangedPackages = previous == dataVersion ? [] : [.. writer.ChangedPackages],
                PreviousDataVersion = previous,
                DataVersion = dataVersion,
                RecordCount = count,
            };
        }
        finally
        {
            importGate.Release();
        }
    }

    public StoreStatus GetStatus()
    {
        using SqliteConnection connection = Connect();
        using SqliteTransaction transaction = connection.BeginTransaction(deferred: true);
        var states = new List<SyncState>();
        using (SqliteCommand command = StoreSchema.Command(connection, "SELECT url, etag, last_modified, checked_at FROM sync_state ORDER BY url", transaction))
        using (SqliteDataReader reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                states.Add(new SyncState(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3)));
            }
        }

        var status = new StoreStatus(
            Path,
            StoreSchema.GetMeta(connection, "data_version", transaction) ?? StoreSchema.ComputeDataVersion(connection, transaction),
            Count(connection, transaction, "SELECT COUNT(*) FROM advisory WHERE withdrawn = 0"),
            Count(connection, transaction, "SELECT COUNT(*) FROM advisory WHERE withdrawn = 1"),
            Grouped(connection, transaction, "SELECT source, COUNT(*) FROM advisory WHERE withdrawn = 0 GROUP BY source"),
            Grouped(connection, transaction, "SELECT ecosystem, COUNT(DISTINCT advisory_id) FROM affected_package GROUP BY ecosystem"),
            states,
            StoreSchema.GetMeta(connection, "last_import_at", transaction));
        transaction.Commit();
        return status;
    }

    // The record exactly as it was imported (UTF-8 JSON), withdrawn ones included; null if unknown.
    public byte[]? GetDocument(string id)
    {
        using SqliteConnection connection = Connect();
        using SqliteCommand command = StoreSchema.Command(connection, "SELECT document FROM advisory WHERE id = $id");
        command.Parameters.AddWithValue("$id", id);
        return command.ExecuteScalar() is byte[] stored ? StoreSchema.Inflate(stored) : null;
    }

    public void Dispose() => importGate.Dispose();

    private SqliteConnection Connect() => StoreSchema.Connect(Path, IsReadOnly);

    private static SyncState? ReadSyncState(SqliteConnection connection, SqliteTransaction transaction, string url)
    {
        using SqliteCommand command = StoreSchema.Command(connection, "SELECT etag, last_modified, checked_at FROM sync_state WHERE url = $url", transaction);
        command.Parameters.AddWithValue("$url", url);
        using SqliteDataReader reader = command.ExecuteReader();
        return reader.Read()
            ? new SyncState(url, reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2))
            : null;
    }

    private static void WriteSyncState(SqliteConnection connection, SqliteTransaction transaction, SyncState state)
    {
        using SqliteCommand command = StoreSchema.Command(connection, """
            INSERT INTO sync_state (url, etag, last_modified, checked_at) VALUES ($url, $etag, $lastModified, $checkedAt)
            ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, checked_at = excluded.checked_at
            """, transaction);
        command.Parameters.AddWithValue("$url", state.Url);
        command.Parameters.AddWithValue("$etag", (object?)state.ETag ?? DBNull.Value);
        command.Parameters.AddWithValue("$lastModified", (object?)state.LastModified ?? DBNull.Value);
        command.Parameters.AddWithValue("$checkedAt", state.CheckedAt);
        command.ExecuteNonQuery();
    }

    private static int Count(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using SqliteCommand command = StoreSchema.Command(connection, sql, transaction);
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Dictionary<string, int> Grouped(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        using SqliteCommand command = StoreSchema.Command(connection, sql, transaction);
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            result[reader.GetString(0)] = reader.GetInt32(1);
        }

        return result;
    }
}
