using System.IO.Compression;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace Gatehouse.Scanner.Advisories.Store;

// The SQLite layout of an advisory store. advisory keeps every record as read (deflated) plus a
// trimmed match document (what matching needs: no details, references or large vendor blobs);
// withdrawn records stay as tombstones so an older copy cannot bring them back. affected_package
// is the (ecosystem key, normalized name) index with each package's purl identity.
internal static class StoreSchema
{
    public const string SchemaVersion = "1";

    private const string Ddl = """
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS advisory (
            id TEXT PRIMARY KEY,
            modified TEXT NOT NULL,
            withdrawn INTEGER NOT NULL,
            digest TEXT NOT NULL,
            source TEXT NOT NULL,
            match_document TEXT,
            document BLOB NOT NULL);
        CREATE INDEX IF NOT EXISTS advisory_by_digest ON advisory(digest);
        CREATE TABLE IF NOT EXISTS affected_package (
            ecosystem TEXT NOT NULL,
            name TEXT NOT NULL,
            advisory_id TEXT NOT NULL,
            identity TEXT NOT NULL,
            PRIMARY KEY (ecosystem, name, advisory_id)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS affected_package_by_advisory ON affected_package(advisory_id);
        CREATE TABLE IF NOT EXISTS sync_state (
            url TEXT PRIMARY KEY,
            etag TEXT,
            last_modified TEXT,
            checked_at TEXT NOT NULL) WITHOUT ROWID;
        """;

    public static SqliteConnection Connect(string path, bool readOnly)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            // Pooled connections keep the file open after Dispose; replicas and tests need it closed.
            Pooling = false,
            DefaultTimeout = 60,
        };
        var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        return connection;
    }

    public static void Create(SqliteConnection connection)
    {
        // Rollback journal (not WAL): readers on a read-only volume need no -shm file.
        Execute(connection, "PRAGMA journal_mode=DELETE;");
        Execute(connection, Ddl);
        if (GetMeta(connection, "schema_version") is null)
        {
            SetMeta(connection, "schema_version", SchemaVersion);
        }
    }

    public static string? GetMeta(SqliteConnection connection, string key, SqliteTransaction? transaction = null)
    {
        using SqliteCommand command = Command(connection, "SELECT value FROM meta WHERE key = $key", transaction);
        command.Parameters.AddWithValue("$key", key);
        return command.ExecuteScalar() as string;
    }

    public static void SetMeta(SqliteConnection connection, string key, string value, SqliteTransaction? transaction = null)
    {
        using SqliteCommand command = Command(connection, "INSERT INTO meta (key, value) VALUES ($key, $value) ON CONFLICT(key) DO UPDATE SET value = excluded.value", transaction);
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$value", value);
        command.ExecuteNonQuery();
    }

    public static SqliteCommand Command(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    public static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using SqliteCommand command = Command(connection, sql, transaction);
        command.ExecuteNonQuery();
    }

    public static string Digest(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));

    public static byte[] Deflate(ReadOnlySpan<byte> content)
    {
        using var buffer = new MemoryStream();
        using (var deflate = new DeflateStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflate.Write(content);
        }

        return buffer.ToArray();
    }

    public static byte[] Inflate(byte[] content)
    {
        using var input = new MemoryStream(content);
        using var deflate = new DeflateStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        deflate.CopyTo(output);
        return output.ToArray();
    }

    // Content hash over every stored record's id, modified, digest and withdrawn flag, in id order:
    // it changes exactly when any stored record's content does.
    public static string ComputeDataVersion(SqliteConnection connection, SqliteTransaction? transaction = null)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using SqliteCommand command = Command(connection, "SELECT id, modified, digest, withdrawn FROM advisory ORDER BY id", transaction);
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            string line = $"{reader.GetString(0)}\u0000{reader.GetString(1)}\u0000{reader.GetString(2)}\u0000{reader.GetInt64(3)}\n";
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(line));
        }

        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
