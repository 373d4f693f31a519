using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Gatehouse.Contracts;

namespace Gatehouse.Oci.Layout;

/// <summary>The files of one layer, written as a tar (parent directories added) and gzipped, reproducibly.</summary>
public sealed class LayerContents
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public const UnixFileMode DirectoryMode = FileMode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private readonly List<(string Path, TarEntryType Type, byte[]? Content, string? LinkTarget, UnixFileMode Mode)> _entries = [];
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal);

    public int Count => _entries.Count;

    public LayerContents AddFile(string path, byte[] content, UnixFileMode mode = FileMode)
    {
        ArgumentNullException.ThrowIfNull(content);
        return Add(path, TarEntryType.RegularFile, content, null, mode);
    }

    public LayerContents AddTextFile(string path, string text, UnixFileMode mode = FileMode) =>
        AddFile(path, Encoding.UTF8.GetBytes(text), mode);

    public LayerContents AddDirectory(string path, UnixFileMode mode = DirectoryMode) =>
        Add(path, TarEntryType.Directory, null, null, mode);

    public LayerContents AddSymlink(string path, string target) =>
        Add(path, TarEntryType.SymbolicLink, null, target, DirectoryMode);

    /// <summary>Deletes <paramref name="path"/> from lower layers (an OCI whiteout, <c>.wh.&lt;name&gt;</c>).</summary>
    public LayerContents AddWhiteout(string path)
    {
        var normalized = Normalize(path);
        var slash = normalized.LastIndexOf('/');
        var whiteout = slash < 0 ? ".wh." + normalized : normalized[..(slash + 1)] + ".wh." + normalized[(slash + 1)..];
        return AddFile(whiteout, []);
    }

    /// <summary>Hides everything lower layers put in <paramref name="directory"/> (an opaque whiteout).</summary>
    public LayerContents AddOpaqueWhiteout(string directory) => AddFile(Normalize(directory) + "/.wh..wh..opq", []);

    private LayerContents Add(string path, TarEntryType type, byte[]? content, string? linkTarget, UnixFileMode mode)
    {
        var normalized = Normalize(path);
        // Parents first, as a real tar would have them; some readers rely on it.
        var parts = normalized.Split('/');
        for (var i = 1; i < parts.Length; i++)
        {
            var parent = string.Join('/', parts[..i]);
            if (_directories.Add(parent))
            {
                _entries.Add((parent, TarEntryType.Directory, null, null, DirectoryMode));
            }
        }

        if (type == TarEntryType.Directory && !_directories.Add(normalized))
        {
            return this;
        }

        _entries.Add((normalized, type, content, linkTarget, mode));
        return this;
    }

    private static string Normalize(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var normalized = path.Replace('\\', '/').Trim('/');
        if (normalized.Length == 0 || normalized.Split('/').Any(p => p is "" or "." or ".."))
        {
            throw new ArgumentException($"layer path '{path}' must be relative, without empty, '.' or '..' components", nameof(path));
        }

        return normalized;
    }

    /// <summary>Writes the layer: returns the gzip blob and the digest of the uncompressed tar (the diff ID).</summary>
    internal (byte[] Compressed, string DiffId) Build(DateTimeOffset modified)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Gnu, leaveOpen: true))
        {
            foreach (var (path, type, content, linkTarget, mode) in _entries)
            {
                var entry = new GnuTarEntry(type, type == TarEntryType.Directory ? path + "/" : path)
                {
                    // Fixed times and owners make the same inputs give the same digests.
                    ModificationTime = modified,
                    AccessTime = modified,
                    ChangeTime = modified,
                    Mode = mode,
                    Uid = 0,
                    Gid = 0,
                    UserName = "root",
                    GroupName = "root",
                };
                if (linkTarget is not null)
                {
                    entry.LinkName = linkTarget;
                }

                if (content is not null)
                {
                    entry.DataStream = new MemoryStream(content, writable: false);
                }

                writer.WriteEntry(entry);
            }
        }

        var diffId = ContentDigest.ComputeSha256(tar.GetBuffer().AsSpan(0, (int)tar.Length)).ToString();
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            tar.Position = 0;
            tar.CopyTo(gzip);
        }

        return (compressed.ToArray(), diffId);
    }
}
