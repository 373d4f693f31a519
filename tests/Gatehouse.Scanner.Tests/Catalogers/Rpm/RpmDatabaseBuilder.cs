using System.Buffers.Binary;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Gatehouse.Scanner.Tests.Catalogers.Rpm;

/// <summary>Writes rpm header blobs (the rpmdb layout: index count, data length, 16-byte entries, data) and
/// an rpmdb.sqlite holding them, so the cataloger is tested against the real formats.</summary>
internal static class RpmDatabaseBuilder
{
    public sealed record RpmPackage(string Name, string Version, string Release, string Arch, int? Epoch = null,
        string? License = null, string? SourceRpm = null, string[]? Provides = null, string[]? Requires = null, string[]? Files = null);

    public static byte[] Header(RpmPackage package)
    {
        var entries = new List<(int Tag, int Type, byte[] Data, int Count, int Align)>
        {
            (1000, 6, Str(package.Name), 1, 1),
            (1001, 6, Str(package.Version), 1, 1),
            (1002, 6, Str(package.Release), 1, 1),
            (1022, 6, Str(package.Arch), 1, 1),
        };
        if (package.Epoch is { } epoch)
        {
            var bytes = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(bytes, epoch);
            entries.Add((1003, 4, bytes, 1, 4));
        }
        if (package.License is not null)
        {
            entries.Add((1014, 6, Str(package.License), 1, 1));
        }
        if (package.SourceRpm is not null)
        {
            entries.Add((1044, 6, Str(package.SourceRpm), 1, 1));
        }
        if (package.Provides is { } provides)
        {
            entries.Add((1047, 8, provides.SelectMany(Str).ToArray(), provides.Length, 1));
        }
        if (package.Requires is { } requires)
        {
            entries.Add((1049, 8, requires.SelectMany(Str).ToArray(), requires.Length, 1));
        }
        if (package.Files is { } files)
        {
            var dirs = files.Select(f => f[..(f.LastIndexOf('/') + 1)]).Distinct().ToList();
            var indexes = new byte[files.Length * 4];
            for (var i = 0; i < files.Length; i++)
            {
                BinaryPrimitives.WriteInt32BigEndian(indexes.AsSpan(i * 4), dirs.IndexOf(files[i][..(files[i].LastIndexOf('/') + 1)]));
            }
            entries.Add((1116, 4, indexes, files.Length, 4));
            entries.Add((1117, 8, files.SelectMany(f => Str(f[(f.LastIndexOf('/') + 1)..])).ToArray(), files.Length, 1));
            entries.Add((1118, 8, dirs.SelectMany(Str).ToArray(), dirs.Count, 1));
        }

        var data = new List<byte>();
        var index = new byte[entries.Count * 16];
        for (var i = 0; i < entries.Count; i++)
        {
            var (tag, type, bytes, count, align) = entries[i];
            while (data.Count % align != 0)
            {
                data.Add(0);
            }
            BinaryPrimitives.WriteInt32BigEndian(index.AsSpan(i * 16), tag);
            BinaryPrimitives.WriteInt32BigEndian(index.AsSpan(i * 16 + 4), type);
            BinaryPrimitives.WriteInt32BigEndian(index.AsSpan(i * 16 + 8), data.Count);
            BinaryPrimitives.WriteInt32BigEndian(index.AsSpan(i * 16 + 12), count);
            data.AddRange(bytes);
        }
        var header = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, entries.Count);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), data.Count);
        return [.. header, .. index, .. data];
    }

    /// <summary>An rpmdb.sqlite with one Packages row per blob, as bytes (built in a temporary file).</summary>
    public static byte[] Sqlite(IEnumerable<byte[]> blobs, bool wal = false)
    {
        var path = Path.Combine(Path.GetTempPath(), $"gatehouse-rpmdb-{Guid.NewGuid():N}.sqlite");
        try
        {
            using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = (wal ? "PRAGMA journal_mode=WAL;" : "") +
                    "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL);";
                command.ExecuteNonQuery();
                foreach (var blob in blobs)
                {
                    using var insert = connection.CreateCommand();
                    insert.CommandText = "INSERT INTO Packages (blob) VALUES ($blob)";
                    insert.Parameters.AddWithValue("$blob", blob);
                    insert.ExecuteNonQuery();
                }
                if (wal)
                {
                    using var checkpoint = connection.CreateCommand();
                    checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
                    checkpoint.ExecuteNonQuery();
                }
            }
            return File.ReadAllBytes(path);
        }
        finally
        {
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }
        }
    }

    private static byte[] Str(string value) => [.. Encoding.UTF8.GetBytes(value), 0];
}
