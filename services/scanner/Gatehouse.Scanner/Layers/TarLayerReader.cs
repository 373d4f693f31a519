using Gatehouse.Contracts;
using Gatehouse.Scanner.Inventory;

namespace Gatehouse.Scanner.Layers;

/// <summary>
/// One layer blob as entries: blob bytes (digest-verified by the source's stream) → decompressor chosen by
/// magic bytes → diff_id hash and uncompressed-bytes budget → tar reader. Nothing touches the disk.
/// Every blob-backed source (registry, OCI layout, docker archive) reads its layers through this one class;
/// a custom <see cref="Sources.IImageSource"/> should too.
/// </summary>
public sealed class TarLayerReader : ILayerEntryReader
{
    private readonly CountingReadStream _blob;
    private readonly Stream _decompressed;
    private readonly HashingReadStream _uncompressed;
    private readonly TarEntryReader _tar;
    private readonly string? _expectedDiffId;
    private readonly int _layerIndex;
    private readonly CompressionKind _compression;
    private readonly string? _warning;

    private TarLayerReader(
        CountingReadStream blob, Stream decompressed, HashingReadStream uncompressed, TarEntryReader tar,
        string? expectedDiffId, int layerIndex, CompressionKind compression, string? warning)
    {
        _blob = blob;
        _decompressed = decompressed;
        _uncompressed = uncompressed;
        _tar = tar;
        _expectedDiffId = expectedDiffId;
        _layerIndex = layerIndex;
        _compression = compression;
        _warning = warning;
    }

    public LayerEntryType Type => _tar.Type;

    public ReadOnlySpan<char> Name => _tar.Name;

    public ReadOnlySpan<char> LinkName => _tar.LinkName;

    public long Size => _tar.Size;

    public UnixFileMode Mode => _tar.Mode;

    public long SourceBytesRead => _blob.BytesRead;

    /// <summary>
    /// Opens <paramref name="blob"/> (owned from here on). <paramref name="mediaType"/> is cross-checked with
    /// the magic bytes; <paramref name="expectedDiffId"/> (config rootfs.diff_ids) is checked in <see cref="CompleteAsync"/>.
    /// </summary>
    public static async Task<TarLayerReader> OpenAsync(
        Stream blob, int layerIndex, string? mediaType, string? expectedDiffId, ScanLimits limits, ByteBudget uncompressedBudget,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(limits);
        var declared = LayerCompression.FromMediaType(mediaType);
        var algorithm = ContentDigest.Sha256;
        if (expectedDiffId is not null)
        {
            if (!ContentDigest.TryParse(expectedDiffId, out var parsed, out var error))
            {
                throw new ImageAnalysisException(AnalysisFailureKind.InvalidImage, $"layer {layerIndex}: diff_id {error}");
            }
            algorithm = parsed.Algorithm;
        }
        var counting = new CountingReadStream(blob);
        var (decompressed, kind) = await LayerCompression.OpenAsync(counting, cancellationToken);
        var warning = declared is { } d && d != kind
            ? $"layer {layerIndex}: media type {mediaType} declares {d} but the content is {kind}; read as {kind}"
            : null;
        var hashing = new HashingReadStream(decompressed, uncompressedBudget, algorithm);
        var tar = new TarEntryReader(hashing, layerIndex, limits.MaxPathLength);
        return new TarLayerReader(counting, decompressed, hashing, tar, expectedDiffId, layerIndex, kind, warning);
    }

    public ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken) => _tar.MoveNextAsync(cancellationToken);

    public ValueTask<int> ReadContentAsync(Memory<byte> destination, CancellationToken cancellationToken) =>
        _tar.ReadContentAsync(destination, cancellationToken);

    public async ValueTask<LayerReadSummary> CompleteAsync(CancellationToken cancellationToken)
    {
        // The diff_id covers the whole uncompressed stream (zero blocks and padding after the tar's end too),
        // and the source verifies the blob digest only once its last byte has been read.
        await _tar.DrainAsync(cancellationToken);
        await _blob.DrainAsync(cancellationToken);
        var actual = _uncompressed.Digest();
        if (_expectedDiffId is not null && actual != _expectedDiffId)
        {
            throw new BlobDigestMismatchException(_expectedDiffId, actual, $"layer {_layerIndex} uncompressed content (diff_id)");
        }
        return new LayerReadSummary(_blob.BytesRead, _uncompressed.BytesRead, _tar.EntryCount, _compression)
        {
            Warnings = _warning is null ? [] : [_warning],
        };
    }

    public async ValueTask DisposeAsync()
    {
        _tar.Dispose();
        await _uncompressed.DisposeAsync();
        await _decompressed.DisposeAsync();
        await _blob.DisposeAsync();
    }
}

/// <summary>Counts bytes passing through (progress) and can read its source to the end (digest verification).</summary>
internal sealed class CountingReadStream(Stream inner) : Stream
{
    public long BytesRead { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        BytesRead += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken);
        BytesRead += n;
        return n;
    }

    /// <summary>Reads and discards the rest (bytes after the compressed stream's end still belong to the blob).</summary>
    public async ValueTask DrainAsync(CancellationToken cancellationToken)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (await ReadAsync(buffer, cancellationToken) > 0)
            {
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
