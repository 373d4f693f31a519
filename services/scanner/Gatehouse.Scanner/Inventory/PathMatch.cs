namespace Gatehouse.Scanner.Inventory;

/// <summary>Allocation-free path tests for <see cref="ICataloger.Select"/>. Paths are root-relative with '/' separators.</summary>
public static class PathMatch
{
    public static ReadOnlySpan<char> FileName(ReadOnlySpan<char> path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? path : path[(slash + 1)..];
    }

    public static ReadOnlySpan<char> Directory(ReadOnlySpan<char> path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? [] : path[..slash];
    }

    /// <summary>True when <paramref name="path"/> is exactly <paramref name="expected"/>.</summary>
    public static bool Is(ReadOnlySpan<char> path, string expected) => path.SequenceEqual(expected);

    /// <summary>True when <paramref name="path"/> is a direct child of directory <paramref name="directory"/>.</summary>
    public static bool IsDirectChildOf(ReadOnlySpan<char> path, string directory) =>
        path.Length > directory.Length + 1
        && path.StartsWith(directory, StringComparison.Ordinal)
        && path[directory.Length] == '/'
        && path[(directory.Length + 1)..].IndexOf('/') < 0;

    /// <summary>True when <paramref name="path"/> is anywhere below <paramref name="directory"/>.</summary>
    public static bool IsUnder(ReadOnlySpan<char> path, string directory) =>
        path.Length > directory.Length + 1
        && path.StartsWith(directory, StringComparison.Ordinal)
        && path[directory.Length] == '/';

    /// <summary>Glob-style <c>**/suffix</c>: the path is <paramref name="suffix"/> or ends with <c>/suffix</c>.</summary>
    public static bool EndsWithSegments(ReadOnlySpan<char> path, string suffix) =>
        path.EndsWith(suffix, StringComparison.Ordinal)
        && (path.Length == suffix.Length || path[path.Length - suffix.Length - 1] == '/');

    /// <summary>True when one of the directory segments of <paramref name="path"/> equals <paramref name="segment"/>.</summary>
    public static bool HasDirectorySegment(ReadOnlySpan<char> path, string segment)
    {
        var dir = Directory(path);
        while (!dir.IsEmpty)
        {
            var slash = dir.IndexOf('/');
            var head = slash < 0 ? dir : dir[..slash];
            if (head.SequenceEqual(segment))
            {
                return true;
            }
            dir = slash < 0 ? [] : dir[(slash + 1)..];
        }
        return false;
    }
}
