using Gatehouse.Scanner.Inventory;
using Gatehouse.Scanner.Layers;

namespace Gatehouse.Scanner.Sources;

/// <summary>
/// A root filesystem directory as a single layer (like syft's <c>dir:</c>): walked in ordinal order, symlinks
/// recorded as links and never followed (so they resolve inside the scanned root, not on the host), file
/// contents opened only for files a cataloger selected. There are no digests to verify.
/// </summary>
public sealed class DirectorySource : IImageSource
{
    /// <summary>What <see cref="LayerInfo.MediaType"/> says for the single layer of a directory.</summary>
    public const string MediaType = "inode/directory";

    private readonly string _root;

    public DirectorySource(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        _root = Path.GetFullPath(root);
        if (!Directory.Exists(_root))
        {
            throw new ImageAnalysisException(AnalysisFailureKind.SourceUnavailable, $"directory {root} does not exist");
        }
        Image = new SourceImage
        {
            Name = ImageSourceSpec.DirectoryPrefix + root,
            Layers = [new SourceLayer(null, null, MediaType, 0)],
        };
    }

    public SourceImage Image { get; }

    public Task<ILayerEntryReader> OpenLayerAsync(int index, ScanLimits limits, ByteBudget uncompressedBudget, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(index, 0);
        ArgumentNullException.ThrowIfNull(limits);
        return Task.FromResult<ILayerEntryReader>(new DirectoryLayerReader(_root, limits.MaxPathLength, uncompressedBudget));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>Depth-first, ordinal-sorted walk of a directory, one entry at a time.</summary>
internal sealed class DirectoryLayerReader(string root, int maxPathLength, ByteBudget budget) : ILayerEntryReader
{
    private static readonly EnumerationOptions Enumeration = new()
    {
        RecurseSubdirectories = false,
        IgnoreInaccessible = false,
        AttributesToSkip = 0,
        ReturnSpecialDirectories = false,
    };

    private readonly Stack<(string Relative, Queue<FileSystemInfo> Children)> _stack = new();
    private readonly List<string> _warnings = [];
    private bool _started;
    private string _name = "";
    private string _link = "";
    private FileInfo? _file;
    private FileStream? _content;
    private long _remaining;
    private long _bytesRead;
    private int _entries;

    public LayerEntryType Type { get; private set; }

    public ReadOnlySpan<char> Name => _name;

    public ReadOnlySpan<char> LinkName => _link;

    public long Size { get; private set; }

    public UnixFileMode Mode { get; private set; }

    public long SourceBytesRead => _bytesRead;

    public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        await CloseContentAsync();
        if (!_started)
        {
            _started = true;
            Push("", new DirectoryInfo(root));
        }
        while (_stack.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (relative, children) = _stack.Peek();
            if (children.Count == 0)
            {
                _stack.Pop();
                continue;
            }
            var info = children.Dequeue();
            _name = relative.Length == 0 ? info.Name : relative + "/" + info.Name;
            if (_name.Length > maxPathLength)
            {
                throw new ImageLimitExceededException(LimitKind.PathLength, maxPathLength, $"{root}: a path of {_name.Length} chars");
            }
            _link = "";
            _file = null;
            Size = 0;
            Mode = info.UnixFileMode;
            if (info.LinkTarget is { } target)
            {
                Type = LayerEntryType.Symlink;
                _link = target;
            }
            else if (info is DirectoryInfo directory)
            {
                Type = LayerEntryType.Directory;
                Push(_name, directory);
            }
            else if (info is FileInfo file && (file.Attributes & FileAttributes.Device) == 0)
            {
                // FIFOs and devices report size 0 and are never opened (opening a FIFO would block).
                Type = LayerEntryType.Regular;
                Size = file.Length;
                _file = file;
            }
            else
            {
                Type = LayerEntryType.Other;
            }
            _entries++;
            return true;
        }
        return false;
    }

    public async ValueTask<int> ReadContentAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (_file is null || Size == 0)
        {
            return 0;
        }
        if (_content is null)
        {
            try
            {
                _content = new FileStream(_file.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.Asynchronous);
                _remaining = Size;
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                // Reported, not fatal: the caller sees fewer bytes than Size and does not use the content.
                _warnings.Add($"{_name}: not readable ({e.Message})");
                _file = null;
                return 0;
            }
        }
        if (_remaining == 0 || destination.IsEmpty)
        {
            return 0;
        }
        // Bounded by the size seen when listing: a file that grows meanwhile cannot make us read more.
        var n = await _content.ReadAsync(destination[..(int)Math.Min(destination.Length, _remaining)], cancellationToken);
        if (n == 0)
        {
            throw new ImageAnalysisException(AnalysisFailureKind.CorruptLayer, $"{_file.FullName} shrank while it was read");
        }
        _remaining -= n;
        _bytesRead += n;
        budget.Charge(n);
        return n;
    }

    public async ValueTask<LayerReadSummary> CompleteAsync(CancellationToken cancellationToken)
    {
        await CloseContentAsync();
        return new LayerReadSummary(0, _bytesRead, _entries, CompressionKind.None) { Warnings = _warnings };
    }

    public ValueTask DisposeAsync() => CloseContentAsync();

    private void Push(string relative, DirectoryInfo directory)
    {
        try
        {
            var children = directory.EnumerateFileSystemInfos("*", Enumeration)
                .OrderBy(c => c.Name, StringComparer.Ordinal);
            _stack.Push((relative, new Queue<FileSystemInfo>(children)));
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            _warnings.Add($"{(relative.Length == 0 ? "/" : relative)}: not readable ({e.Message})");
        }
    }

    private async ValueTask CloseContentAsync()
    {
        if (_content is not null)
        {
            await _content.DisposeAsync();
            _content = null;
        }
    }
}
