using System.IO.Compression;
using ZstdSharp;

namespace Gatehouse.Scanner.Layers;

public enum CompressionKind
{
    None,
    Gzip,
    Zstd,
}

/// <summary>
/// Chooses the decompressor from the layer's magic bytes, cross-checked with its media type: the bytes
/// decide (registries and tools mislabel; the caller reports a disagreement), a media type that is not a
/// tar layer at all is refused.
/// </summary>
public static class LayerCompression
{
    /// <summary>The compression a media type declares; null when the source has no media type.
    /// Throws <see cref="ImageAnalysisException"/> for media types that are not tar layers.</summary>
    public static CompressionKind? FromMediaType(string? mediaType)
    {
        if (string.IsNullOrEmpty(mediaType))
        {
            return null;
        }
        if (mediaType.EndsWith("+gzip", StringComparison.Ordinal) || mediaType.EndsWith(".tar.gzip", StringComparison.Ordinal))
        {
            return CompressionKind.Gzip;
        }
        if (mediaType.EndsWith("+zstd", StringComparison.Ordinal) || mediaType.EndsWith(".tar.zstd", StringComparison.Ordinal))
        {
            return CompressionKind.Zstd;
        }
        if (mediaType.EndsWith(".tar", StringComparison.Ordinal))
        {
            return CompressionKind.None;
        }
        throw new ImageAnalysisException(AnalysisFailureKind.UnsupportedMediaType, $"layer media type '{mediaType}' is not a tar layer");
    }

    public static CompressionKind FromMagic(ReadOnlySpan<byte> head) =>
        head.Length >= 2 && head[0] == 0x1F && head[1] == 0x8B ? CompressionKind.Gzip
        : head.Length >= 4 && head[0] == 0x28 && head[1] == 0xB5 && head[2] == 0x2F && head[3] == 0xFD ? CompressionKind.Zstd
        : CompressionKind.None;

    /// <summary>Wraps <paramref name="compressed"/> in the decompressor its first bytes call for.</summary>
    public static async Task<(Stream Stream, CompressionKind Kind)> OpenAsync(Stream compressed, CancellationToken cancellationToken)
    {
        var head = new byte[4];
        var read = 0;
        while (read < head.Length)
        {
            var n = await compressed.ReadAsync(head.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                break;
            }
            read += n;
        }
        var kind = FromMagic(head.AsSpan(0, read));
        var replay = new PrefixedStream(head.AsMemory(0, read), compressed);
        Stream stream = kind switch
        {
            CompressionKind.Gzip => new GZipStream(replay, CompressionMode.Decompress),
            CompressionKind.Zstd => new DecompressionStream(replay, bufferSize: 1 << 17),
            _ => replay,
        };
        return (stream, kind);
    }
}

/// <summary>Replays a few peeked bytes before continuing with the inner stream.</summary>
internal sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream inner) : Stream
{
    private ReadOnlyMemory<byte> _prefix = prefix;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (!_prefix.IsEmpty)
        {
            var n = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..n].CopyTo(buffer);
            _prefix = _prefix[n..];
            return n;
        }
        return inner.Read(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_prefix.IsEmpty)
        {
            return ValueTask.FromResult(Read(buffer.Span));
        }
        return inner.ReadAsync(buffer, cancellationToken);
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
