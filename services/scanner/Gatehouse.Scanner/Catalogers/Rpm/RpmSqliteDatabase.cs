using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Gatehouse.Scanner.Catalogers.Rpm;

/// <summary>
/// Reads the header blobs of an <c>rpmdb.sqlite</c> held in memory. SQLite needs a file or a deserialized
/// image; we use the latter (<c>sqlite3_deserialize</c>, read-only, into unmanaged memory we own) so no file is
/// ever written. A WAL-mode header is switched to rollback mode in our copy, since a deserialized database
/// cannot use a WAL (the -wal file, if any, is not applied: rpm checkpoints it when it closes the database).
/// </summary>
internal static class RpmSqliteDatabase
{
    private const int DeserializeReadOnly = 4;
    private static readonly byte[] SqliteMagic = "SQLite format 3\0"u8.ToArray();

    public static bool LooksLikeSqlite(ReadOnlySpan<byte> content) => content.StartsWith(SqliteMagic);

    /// <summary>Every <c>Packages.blob</c>, in <c>hnum</c> order. Throws <see cref="FormatException"/> when the bytes
    /// are not a SQLite database with a Packages table.</summary>
    public static List<byte[]> ReadHeaderBlobs(ReadOnlyMemory<byte> database)
    {
        if (!LooksLikeSqlite(database.Span) || database.Length < 100)
        {
            throw new FormatException("not a SQLite 3 database");
        }
        var length = database.Length;
        var memory = Marshal.AllocHGlobal(length);
        try
        {
            var bytes = MemoryMarshal.TryGetArray(database, out var segment) ? segment : new ArraySegment<byte>(database.ToArray());
            Marshal.Copy(bytes.Array!, bytes.Offset, memory, length);
            // Header bytes 18/19 are the write/read format versions: 2 means WAL, 1 rollback journal.
            Marshal.WriteByte(memory, 18, 1);
            Marshal.WriteByte(memory, 19, 1);
            // Pooling off: a pooled connection would outlive the memory it points at.
            using var connection = new SqliteConnection("Data Source=:memory:;Pooling=False");
            connection.Open();
            var rc = raw.sqlite3_deserialize(connection.Handle, "main", memory, length, length, DeserializeReadOnly);
            if (rc != raw.SQLITE_OK)
            {
                throw new FormatException($"SQLite refused the database image (code {rc})");
            }
            return ReadBlobs(connection);
        }
        catch (SqliteException e)
        {
            throw new FormatException($"SQLite error: {e.Message}", e);
        }
        finally
        {
            Marshal.FreeHGlobal(memory);
        }
    }

    private static List<byte[]> ReadBlobs(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT blob FROM Packages ORDER BY hnum";
        using var reader = command.ExecuteReader();
        var blobs = new List<byte[]>();
        while (reader.Read())
        {
            if (!reader.IsDBNull(0))
            {
                blobs.Add((byte[])reader.GetValue(0));
            }
        }
        return blobs;
    }
}
