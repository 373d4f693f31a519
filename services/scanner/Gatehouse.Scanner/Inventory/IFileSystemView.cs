namespace Gatehouse.Scanner.Inventory;

/// <summary>
/// The image's final filesystem (all layers merged, whiteouts applied): the path index, not contents.
/// Paths are root-relative without a leading slash; lookups accept a leading slash too.
/// </summary>
public interface IFileSystemView
{
    /// <summary>Number of entries (files, directories, links) in the final view.</summary>
    int Count { get; }

    /// <summary>The entry at exactly this path (a symlink is returned as the link itself).</summary>
    FileSystemEntry? Get(string path);

    /// <summary>Follows symlinks in every segment, clamped to the image root ("../" never escapes,
    /// absolute targets are rooted at the image); null when dangling or looping.</summary>
    FileSystemEntry? Resolve(string path);

    /// <summary>Direct children of a directory (after resolving it), in ordinal order.</summary>
    IEnumerable<FileSystemEntry> Children(string directory);
}

public enum FileKind
{
    Regular,
    Directory,
    Symlink,
    Other,
}

/// <summary>One entry of the final view.</summary>
/// <param name="Path">Normalised root-relative path.</param>
/// <param name="Kind">Regular files include hard links (they share their target's content).</param>
/// <param name="LayerIndex">The layer that last wrote this path.</param>
/// <param name="LinkTarget">Symlink target as written, or the hard link's target path.</param>
public sealed record FileSystemEntry(string Path, FileKind Kind, long Size, UnixFileMode Mode, int LayerIndex, string? LinkTarget);
