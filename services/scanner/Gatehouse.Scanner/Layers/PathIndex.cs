using Gatehouse.Scanner.Inventory;

namespace Gatehouse.Scanner.Layers;

/// <summary>
/// The merged filesystem as a trie of path segments: one small node per entry (no contents), so memory is
/// proportional to the number of paths and bounded by <see cref="ScanLimits.MaxEntries"/>. Lookups use
/// span-keyed dictionary access, so walking an existing path allocates nothing.
/// Layer semantics follow containerd's applier: parent symlinks are followed inside the root, the last
/// component is replaced, whiteouts and opaque markers remove only what lower layers wrote.
/// </summary>
internal sealed class PathIndex(ScanLimits limits) : IFileSystemView
{
    private readonly Node _root = new("", null) { Kind = FileKind.Directory, Mode = (UnixFileMode)0x1ED };

    public int Count { get; private set; }

    /// <summary>
    /// Adds or replaces the entry at <paramref name="path"/>. False when a parent is not a directory or cannot be
    /// resolved (dangling, looping). <paramref name="storedPath"/> is set only when the entry landed elsewhere
    /// because a parent was a symlink (followed inside the root, as containerd's applier does).
    /// </summary>
    public bool Upsert(ReadOnlySpan<char> path, FileKind kind, long size, UnixFileMode mode, int layer, string? linkTarget, out string? storedPath)
    {
        storedPath = null;
        var redirected = false;
        var slash = path.LastIndexOf('/');
        var parent = slash < 0 ? _root : WalkParents(path[..slash], layer, ref redirected);
        if (parent is null)
        {
            return false;
        }
        var name = slash < 0 ? path : path[(slash + 1)..];
        var children = parent.Children ??= new Dictionary<string, Node>(StringComparer.Ordinal);
        var lookup = children.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(name, out var node))
        {
            if (node.Kind == FileKind.Directory && kind != FileKind.Directory)
            {
                Count -= CountBelow(node);
                node.Children = null;
            }
        }
        else
        {
            node = new Node(name.ToString(), parent);
            children[node.Name] = node;
            Count++;
        }
        node.Kind = kind;
        node.Size = size;
        node.Mode = mode;
        node.Layer = layer;
        node.TouchedLayer = layer;
        node.LinkTarget = linkTarget;
        if (redirected)
        {
            storedPath = PathOf(node);
        }
        return true;
    }

    /// <summary>Adds a regular file (test and dir: helper).</summary>
    public void AddFile(string path, long size, UnixFileMode mode, int layer) =>
        Upsert(path, FileKind.Regular, size, mode, layer, null, out _);

    /// <summary>The entry at exactly <paramref name="path"/> (no symlink following), without allocating an entry.</summary>
    public bool TryGet(ReadOnlySpan<char> path, out FileKind kind, out long size, out UnixFileMode mode, out int layer)
    {
        var node = Find(path);
        kind = node?.Kind ?? FileKind.Other;
        size = node?.Size ?? 0;
        mode = node?.Mode ?? 0;
        layer = node?.Layer ?? -1;
        return node is not null;
    }

    /// <summary>Applies a whiteout for <paramref name="path"/> written by <paramref name="layer"/>.</summary>
    public void Whiteout(ReadOnlySpan<char> path, int layer)
    {
        var node = Find(path);
        if (node?.Parent is null)
        {
            return;
        }
        RemoveLower(node, layer);
    }

    /// <summary>Applies an opaque marker: lower layers' children of <paramref name="directory"/> vanish.</summary>
    public void MakeOpaque(ReadOnlySpan<char> directory, int layer)
    {
        var redirected = false;
        var node = directory.IsEmpty ? _root : WalkParents(directory, layer, ref redirected);
        if (node?.Children is null)
        {
            return;
        }
        foreach (var child in node.Children.Values.ToList())
        {
            RemoveLower(child, layer);
        }
    }

    public FileSystemEntry? Get(string path)
    {
        var node = Find(path.AsSpan().Trim('/'));
        return node is null ? null : ToEntry(node);
    }

    public FileSystemEntry? Resolve(string path)
    {
        var node = ResolveNode(path, followLast: true);
        return node is null ? null : ToEntry(node);
    }

    public IEnumerable<FileSystemEntry> Children(string directory)
    {
        var node = ResolveNode(directory, followLast: true);
        if (node?.Children is null)
        {
            return [];
        }
        return node.Children.Values.OrderBy(c => c.Name, StringComparer.Ordinal).Select(ToEntry).ToList();
    }

    private Node? Find(ReadOnlySpan<char> path)
    {
        var node = _root;
        foreach (var range in path.Split('/'))
        {
            var segment = path[range];
            if (segment.IsEmpty)
            {
                continue;
            }
            if (node.Children is null || !node.Children.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(segment, out var child))
            {
                return null;
            }
            node = child;
        }
        return node;
    }

    /// <summary>Walks (creating missing directories) to the directory a new entry goes into; follows symlinks.</summary>
    private Node? WalkParents(ReadOnlySpan<char> directory, int layer, ref bool redirected)
    {
        var node = _root;
        foreach (var range in directory.Split('/'))
        {
            var segment = directory[range];
            if (segment.IsEmpty)
            {
                continue;
            }
            var children = node.Children ??= new Dictionary<string, Node>(StringComparer.Ordinal);
            if (!children.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(segment, out var child))
            {
                child = new Node(segment.ToString(), node) { Kind = FileKind.Directory, Mode = (UnixFileMode)0x1ED, Layer = layer };
                children[child.Name] = child;
                Count++;
            }
            if (child.Kind == FileKind.Symlink)
            {
                child = ResolveNode(PathOf(child), followLast: true);
                redirected = true;
            }
            if (child is null || child.Kind != FileKind.Directory)
            {
                return null;
            }
            child.TouchedLayer = Math.Max(child.TouchedLayer, layer);
            node = child;
        }
        return node;
    }

    /// <summary>Follows symlinks in every segment; ".." stops at the root; null when dangling or past the hop limit.</summary>
    private Node? ResolveNode(string path, bool followLast)
    {
        var node = _root;
        var remaining = path;
        var hops = 0;
        while (remaining.Length > 0)
        {
            var slash = remaining.IndexOf('/', StringComparison.Ordinal);
            var segment = slash < 0 ? remaining : remaining[..slash];
            remaining = slash < 0 ? "" : remaining[(slash + 1)..];
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }
            if (segment == "..")
            {
                node = node.Parent ?? _root;
                continue;
            }
            if (node.Kind != FileKind.Directory || node.Children is null || !node.Children.TryGetValue(segment, out var child))
            {
                return null;
            }
            if (child.Kind == FileKind.Symlink && (remaining.Length > 0 || followLast))
            {
                if (++hops > limits.MaxSymlinkHops || string.IsNullOrEmpty(child.LinkTarget))
                {
                    return null;
                }
                var target = child.LinkTarget;
                if (target.StartsWith('/'))
                {
                    node = _root;
                }
                remaining = remaining.Length == 0 ? target : target + "/" + remaining;
                continue;
            }
            node = child;
        }
        return node;
    }

    private void RemoveLower(Node node, int layer)
    {
        if (node.TouchedLayer < layer)
        {
            node.Parent!.Children!.Remove(node.Name);
            Count -= 1 + CountBelow(node);
            return;
        }
        if (node.Children is not null)
        {
            foreach (var child in node.Children.Values.ToList())
            {
                RemoveLower(child, layer);
            }
        }
    }

    private static int CountBelow(Node node)
    {
        if (node.Children is null)
        {
            return 0;
        }
        var count = 0;
        foreach (var child in node.Children.Values)
        {
            count += 1 + CountBelow(child);
        }
        return count;
    }

    private static string PathOf(Node node)
    {
        var parts = new Stack<string>();
        for (var n = node; n.Parent is not null; n = n.Parent)
        {
            parts.Push(n.Name);
        }
        return string.Join('/', parts);
    }

    private static FileSystemEntry ToEntry(Node node) =>
        new(PathOf(node), node.Kind, node.Size, node.Mode, node.Layer, node.LinkTarget);

    private sealed class Node(string name, Node? parent)
    {
        public string Name { get; } = name;
        public Node? Parent { get; } = parent;
        public Dictionary<string, Node>? Children { get; set; }
        public FileKind Kind { get; set; }
        public long Size { get; set; }
        public UnixFileMode Mode { get; set; }

        /// <summary>Layer that wrote this entry.</summary>
        public int Layer { get; set; }

        /// <summary>Newest layer that wrote this entry or anything below it (whiteouts spare newer content).</summary>
        public int TouchedLayer { get; set; }

        public string? LinkTarget { get; set; }
    }
}
