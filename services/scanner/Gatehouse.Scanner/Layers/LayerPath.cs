namespace Gatehouse.Scanner.Layers;

/// <summary>
/// Normalises tar entry names and link targets into root-relative paths: separators collapsed, "." dropped,
/// ".." applied and clamped at the root (a leading "/" means the image root, never the host's).
/// </summary>
public static class LayerPath
{
    /// <summary>Normalised path, or null when it names the root itself.</summary>
    public static string? Normalize(string raw)
    {
        var buffer = raw.Length <= 512 ? stackalloc char[raw.Length] : new char[raw.Length];
        var n = Normalize(raw, buffer, out _);
        return n == 0 ? null : new string(buffer[..n]);
    }

    /// <summary>
    /// Writes the normalised form of <paramref name="raw"/> into <paramref name="destination"/> (at least as
    /// long as the input) and returns its length; <paramref name="escaped"/> tells whether ".." tried to climb
    /// above the root (the caller decides whether that is hostile).
    /// </summary>
    public static int Normalize(ReadOnlySpan<char> raw, Span<char> destination, out bool escaped)
    {
        escaped = false;
        var length = 0;
        var start = 0;
        while (start <= raw.Length)
        {
            var slash = raw[start..].IndexOf('/');
            var end = slash < 0 ? raw.Length : start + slash;
            var segment = raw[start..end];
            start = end + 1;
            if (segment.IsEmpty || segment is ".")
            {
                continue;
            }
            if (segment is "..")
            {
                if (length == 0)
                {
                    escaped = true;
                    continue;
                }
                var previous = destination[..length].LastIndexOf('/');
                length = previous < 0 ? 0 : previous;
                continue;
            }
            if (length > 0)
            {
                destination[length++] = '/';
            }
            segment.CopyTo(destination[length..]);
            length += segment.Length;
        }
        return length;
    }

    /// <summary>Joins a symlink's directory and its target: absolute targets restart at the image root.</summary>
    public static string? ResolveLinkTarget(string linkDirectory, string target) =>
        target.StartsWith('/') ? Normalize(target) : Normalize(linkDirectory.Length == 0 ? target : linkDirectory + "/" + target);
}
