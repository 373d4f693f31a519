using System.Text.Json;
using Gatehouse.Scanner.Advisories.Ecosystems;
using Gatehouse.Scanner.Advisories.Osv;
using Gatehouse.Scanner.Advisories.Sources;
using Microsoft.Data.Sqlite;

namespace Gatehouse.Scanner.Advisories.Store;

// Applies delivered documents to the store inside one transaction, with the rules every source
// shares: byte-identical documents are skipped before parsing; a stored record is replaced only
// by a copy at least as new ("modified"); within one import a later-modified duplicate wins and,
// at equal "modified", a withdrawal wins; withdrawn records become tombstones. Unreadable
// documents are counted and reported, never fatal.
internal sealed class RecordWriter : IDisposable
{
    private const int MaxProblems = 1000;

    private readonly EcosystemRegistry ecosystems;
    private readonly SqliteCommand byDigest, byId, oldIdentities, deleteAffected, upsert, insertAffected;
    private readonly Dictionary<string, (string Modified, bool Withdrawn)> seenInImport = new(StringComparer.Ordinal);
    private readonly List<ImportProblem> problems = [];

    public RecordWriter(SqliteConnection connection, SqliteTransaction transaction, EcosystemRegistry ecosystems)
    {
        this.ecosystems = ecosystems;
        byDigest = StoreSchema.Command(connection, "SELECT 1 FROM advisory WHERE digest = $digest LIMIT 1", transaction);
        byId = StoreSchema.Command(connection, "SELECT modified, digest, withdrawn FROM advisory WHERE id = $id", transaction);
        oldIdentities = StoreSchema.Command(connection, "SELECT identity FROM affected_package WHERE advisory_id = $id", transaction);
        deleteAffected = StoreSchema.Command(connection, "DELETE FROM affected_package WHERE advisory_id = $id", transaction);
        upsert = StoreSchema.Command(connection, """
            INSERT INTO advisory (id, modified, withdrawn, digest, source, match_document, document)
            VALUES ($id, $modified, $withdrawn, $digest, $source, $match, $document)
            ON CONFLICT(id) DO UPDATE SET modified = excluded.modified, withdrawn = excluded.withdrawn, digest = excluded.digest,
                source = excluded.source, match_document = excluded.match_document, document = excluded.document
            """, transaction);
        insertAffected = StoreSchema.Command(connection, "INSERT OR IGNORE INTO affected_package (ecosystem, name, advisory_id, identity) VALUES ($ecosystem, $name, $id, $identity)", transaction);
    }

    public int Read { get; private set; }

    public int Added { get; private set; }

    public int Updated { get; private set; }

    public int Unchanged { get; private set; }

    public int Superseded { get; private set; }

    public int Withdrawn { get; private set; }

    public int Invalid { get; private set; }

    public int SchemaDeviations { get; private set; }

    public int ProblemCount { get; private set; }

    public IReadOnlyList<ImportProblem> Problems => problems;

    public SortedSet<string> ChangedPackages { get; } = new(StringComparer.Ordinal);

    public void Apply(AdvisoryDocument document)
    {
        Read++;
        if (document.Error is not null)
        {
            Invalid++;
            Report(ImportProblemKind.Unreadable, document.Origin, null, document.Error);
            return;
        }

        string digest = StoreSchema.Digest(document.Content.Span);
        if (Exists(byDigest, "$digest", digest))
        {
            Unchanged++;
            return;
        }

        OsvReadResult read = OsvReader.Read(document.Content.Span, document.Origin);
        if (read.Record is not { Id: { } id } record)
        {
            Invalid++;
            Report(ImportProblemKind.Unreadable, document.Origin, null, read.Error ?? "unreadable");
            return;
        }

        if (read.SchemaDeviations.Count > 0)
        {
            SchemaDeviations++;
        }

        foreach (string deviation in read.SchemaDeviations)
        {
            Report(ImportProblemKind.SchemaDeviation, document.Origin, id, deviation);
        }

        foreach (string warning in read.LintWarnings)
        {
            Report(ImportProblemKind.Lint, document.Origin, id, warning);
        }

        string modified = record.Modified ?? string.Empty;
        (string Modified, string Digest, bool Withdrawn)? stored = Stored(id);
        if (stored is { } current && !ShouldReplace(id, current.Modified, current.Withdrawn, modified, record.IsWithdrawn, document.Origin))
        {
            Superseded++;
            return;
        }

        seenInImport[id] = (modified, record.IsWithdrawn);
        Write(record, id, modified, digest, document);
        if (record.IsWithdrawn)
        {
            Withdrawn++;
        }
        else if (stored is null)
        {
            Added++;
        }
        else
        {
            Updated++;
        }
    }

    // Rebuilds affected_package from the stored match documents (ecosystem rules changed).
    public static void Reindex(SqliteConnection connection, SqliteTransaction transaction, EcosystemRegistry ecosystems)
    {
        StoreSchema.Execute(connection, "DELETE FROM affected_package", transaction);
        using var writer = new RecordWriter(connection, transaction, ecosystems);
        using SqliteCommand all = StoreSchema.Command(connection, "SELECT id, match_document FROM advisory WHERE withdrawn = 0", transaction);
        using SqliteDataReader reader = all.ExecuteReader();
        while (reader.Read())
        {
            OsvRecord? record = JsonSerializer.Deserialize(reader.GetString(1), OsvJsonContext.Default.OsvRecord);
            if (record is not null)
            {
                writer.InsertPackages(reader.GetString(0), record);
            }
        }
    }

    public void Dispose()
    {
        byDigest.Dispose();
        byId.Dispose();
        oldIdentities.Dispose();
        deleteAffected.Dispose();
        upsert.Dispose();
        insertAffected.Dispose();
    }

    private bool ShouldReplace(string id, string storedModified, bool storedWithdrawn, string modified, bool withdrawn, string origin)
    {
        int order = OsvTimestamps.Compare(modified, storedModified);
        bool sameImport = seenInImport.ContainsKey(id);
        bool replace = order > 0 || (order == 0 && (!sameImport || (withdrawn && !storedWithdrawn)));
        if (!replace)
        {
            Report(ImportProblemKind.Superseded, origin, id, sameImport
                ? $"duplicate of a record already read in this import (modified {storedModified}); that one is kept"
                : $"older than the stored copy (modified {modified} < {storedModified}); stored copy kept");
        }

        return replace;
    }

    private void Write(OsvRecord record, string id, string modified, string digest, AdvisoryDocument document)
    {
        oldIdentities.Parameters.Clear();
        oldIdentities.Parameters.AddWithValue("$id", id);
        using (SqliteDataReader reader = oldIdentities.ExecuteReader())
        {
            while (reader.Read())
            {
                ChangedPackages.Add(reader.GetString(0));
            }
        }

        deleteAffected.Parameters.Clear();
        deleteAffected.Parameters.AddWithValue("$id", id);
        deleteAffected.ExecuteNonQuery();

        upsert.Parameters.Clear();
        upsert.Parameters.AddWithValue("$id", id);
        upsert.Parameters.AddWithValue("$modified", modified);
        upsert.Parameters.AddWithValue("$withdrawn", record.IsWithdrawn ? 1 : 0);
        upsert.Parameters.AddWithValue("$digest", digest);
        upsert.Parameters.AddWithValue("$source", document.Container);
        upsert.Parameters.AddWithValue("$match", record.IsWithdrawn ? DBNull.Value : JsonSerializer.Serialize(MatchDocument.From(record), OsvJsonContext.Default.OsvRecord));
        upsert.Parameters.AddWithValue("$document", StoreSchema.Deflate(document.Content.Span));
        upsert.ExecuteNonQuery();

        if (!record.IsWithdrawn)
        {
            InsertPackages(id, record);
        }
    }

    private void InsertPackages(string id, OsvRecord record)
    {
        foreach (OsvAffected affected in record.Affected ?? [])
        {
            if (affected.Package is not { Ecosystem: { } ecosystem, Name: { } name })
            {
                continue;
            }

            PackageKey key = ecosystems.KeyOf(ecosystem, name);
            string identity = ecosystems.IdentityOf(ecosystem, name);
            ChangedPackages.Add(identity);
            insertAffected.Parameters.Clear();
            insertAffected.Parameters.AddWithValue("$ecosystem", key.Ecosystem);
            insertAffected.Parameters.AddWithValue("$name", key.Name);
            insertAffected.Parameters.AddWithValue("$id", id);
            insertAffected.Parameters.AddWithValue("$identity", identity);
            insertAffected.ExecuteNonQuery();
        }
    }

    private (string Modified, string Digest, bool Withdrawn)? Stored(string id)
    {
        byId.Parameters.Clear();
        byId.Parameters.AddWithValue("$id", id);
        using SqliteDataReader reader = byId.ExecuteReader();
        return reader.Read() ? (reader.GetString(0), reader.GetString(1), reader.GetInt64(2) != 0) : null;
    }

    private static bool Exists(SqliteCommand command, string parameter, string value)
    {
        command.Parameters.Clear();
        command.Parameters.AddWithValue(parameter, value);
        return command.ExecuteScalar() is not null;
    }

    private void Report(ImportProblemKind kind, string origin, string? id, string message)
    {
        ProblemCount++;
        if (problems.Count < MaxProblems || kind == ImportProblemKind.Unreadable)
        {
            problems.Add(new ImportProblem(kind, origin, id, message));
        }
    }
}
