namespace Gatehouse.Scanner.Layers;

/// <summary>Entry kinds the layer merger distinguishes.</summary>
public enum LayerEntryType : byte
{
    Regular,
    HardLink,
    Symlink,
    Directory,

    /// <summary>Devices, FIFOs and anything else without catalogable content.</summary>
    Other,
}

/// <summary>
/// The entries of one layer, forward only: a tar stream (registry, OCI layout, docker archive) or a directory
/// walk (<c>dir:</c>). Span properties are valid until the next <see cref="MoveNextAsync"/>, so the merger
/// allocates nothing for entries nobody is interested in.
/// </summary>
public interface ILayerEntryReader : IAsyncDisposable
{
    LayerEntryType Type { get; }

    /// <summary>Entry name as written (not normalised; may be absolute or contain <c>..</c>).</summary>
    ReadOnlySpan<char> Name { get; }

    /// <summary>Symlink target as written, or a hard link's target path.</summary>
    ReadOnlySpan<char> LinkName { get; }

    long Size { get; }

    UnixFileMode Mode { get; }

    /// <summary>Bytes read from the source so far (blob bytes, or file bytes for <c>dir:</c>), for progress reports.</summary>
    long SourceBytesRead { get; }

    /// <summary>Moves to the next entry, skipping what is left of the current one's content. False at the end.</summary>
    ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken);

    /// <summary>Reads the current regular file's content; 0 at its end.</summary>
    ValueTask<int> ReadContentAsync(Memory<byte> destination, CancellationToken cancellationToken);

    /// <summary>
    /// Ends the layer: consumes whatever follows the last entry and verifies the blob digest and the diff_id.
    /// Throws <see cref="BlobDigestMismatchException"/> or <see cref="CorruptLayerException"/>.
    /// </summary>
    ValueTask<LayerReadSummary> CompleteAsync(CancellationToken cancellationToken);
}

/// <summary>What reading one layer cost.</summary>
/// <param name="CompressedBytes">Blob bytes read (0 for <c>dir:</c>).</param>
/// <param name="UncompressedBytes">Tar stream bytes (for <c>dir:</c>, file bytes read).</param>
/// <param name="EntryCount">Entries seen.</param>
/// <param name="Compression">Compression detected from the magic bytes.</param>
public readonly record struct LayerReadSummary(long CompressedBytes, long UncompressedBytes, int EntryCount, CompressionKind Compression)
{
    /// <summary>Things worth a problem report that did not stop reading (media type and content disagree, unreadable paths).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
