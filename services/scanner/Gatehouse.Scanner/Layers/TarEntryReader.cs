using System.Buffers;
using System.Text;

namespace Gatehouse.Scanner.Layers;

/// <summary>
/// Forward-only tar reader over a (decompressed) stream with one large pooled buffer: headers are parsed in
/// place, names decoded into a reusable char buffer, and content the caller does not read is skipped by
/// advancing through the buffer. Supports ustar, GNU long names/links (L/K) and PAX (x; g ignored).
/// A tar that ends mid-header or mid-content raises <see cref="CorruptLayerException"/>.
/// </summary>
internal sealed class TarEntryReader : IDisposable
{
    private const int Block = 512;

    // PAX records hold paths and xattrs; anything this large is hostile, and it is held in memory.
    private const int MaxExtendedHeaderBytes = 1 << 20;

    private readonly Stream _stream;
    private readonly int _layerIndex;
    private readonly int _maxPathLength;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _eof;
    private long _remainingContent;
    private int _remainingPadding;
    private char[] _name = new char[256];
    private char[] _link = new char[256];

    public TarEntryReader(Stream stream, int layerIndex, int maxPathLength, int bufferSize = 1 << 18)
    {
        _stream = stream;
        _layerIndex = layerIndex;
        _maxPathLength = maxPathLength;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(bufferSize, 64 * 1024));
    }

    public LayerEntryType Type { get; private set; }

    /// <summary>Raw entry name (not normalised), valid until the next <see cref="MoveNextAsync"/>.</summary>
    public ReadOnlySpan<char> Name => _name.AsSpan(0, NameLength);

    public ReadOnlySpan<char> LinkName => _link.AsSpan(0, LinkLength);

    public long Size { get; private set; }

    public UnixFileMode Mode { get; private set; }

    public int EntryCount { get; private set; }

    private int NameLength { get; set; }

    private int LinkLength { get; set; }

    /// <summary>Moves to the next entry, skipping what is left of the current one. False at end of archive.</summary>
    public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        await SkipContentAsync(cancellationToken);
        string? paxPath = null, paxLink = null;
        long? paxSize = null;
        byte[]? longName = null, longLink = null;
        while (true)
        {
            if (!await FillAsync(Block, cancellationToken))
            {
                if (_end - _start == 0 && paxPath is null && longName is null)
                {
                    return false; // clean EOF without the zero blocks: accepted like Go's archive/tar
                }
                throw Corrupt("truncated inside a tar header");
            }
            var header = _buffer.AsSpan(_start, Block);
            if (header.IndexOfAnyExcept((byte)0) < 0)
            {
                _start += Block;
                return false; // end-of-archive marker; the caller drains the rest for the diff_id
            }
            VerifyChecksum(header);
            var typeFlag = (char)header[156];
            var size = ParseNumber(header.Slice(124, 12));
            if (size < 0)
            {
                throw Corrupt("negative entry size");
            }
            _start += Block;
            switch (typeFlag)
            {
                case 'x':
                    ParsePax(await ReadSmallContentAsync(size, cancellationToken), ref paxPath, ref paxLink, ref paxSize);
                    continue;
                case 'g':
                    await SkipBytesAsync(Padded(size), cancellationToken);
                    continue;
                case 'L':
                    longName = await ReadSmallContentAsync(size, cancellationToken);
                    continue;
                case 'K':
                    longLink = await ReadSmallContentAsync(size, cancellationToken);
                    continue;
            }
            EntryCount++;
            Size = paxSize ?? size;
            Mode = (UnixFileMode)(ParseNumber(header.Slice(100, 8)) & 0xFFF);
            Type = typeFlag switch
            {
                '0' or '\0' or '7' or 'S' => LayerEntryType.Regular,
                '1' => LayerEntryType.HardLink,
                '2' => LayerEntryType.Symlink,
                '5' => LayerEntryType.Directory,
                _ => LayerEntryType.Other,
            };
            SetName(paxPath, longName, header);
            SetLink(paxLink, longLink, header.Slice(157, 100));
            // Header-only types carry no content whatever their size field says (as Go's archive/tar reads them);
            // unknown types do, so their content is skipped to stay in step.
            _remainingContent = typeFlag is '1' or '2' or '3' or '4' or '5' or '6' ? 0 : Size;
            _remainingPadding = (int)(Padded(_remainingContent) - _remainingContent);
            return true;
        }
    }

    /// <summary>Reads up to <paramref name="destination"/>.Length bytes of the current entry's content.</summary>
    public async ValueTask<int> ReadContentAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (_remainingContent == 0 || destination.IsEmpty)
        {
            return 0;
        }
        if (_end == _start && !await FillAsync(1, cancellationToken))
        {
            throw Corrupt("truncated inside file content");
        }
        var n = (int)Math.Min(Math.Min(destination.Length, _end - _start), _remainingContent);
        _buffer.AsMemory(_start, n).CopyTo(destination);
        _start += n;
        _remainingContent -= n;
        return n;
    }

    /// <summary>Consumes everything after the end-of-archive marker (needed for an exact diff_id).</summary>
    public async ValueTask DrainAsync(CancellationToken cancellationToken)
    {
        _start = _end;
        while (!_eof)
        {
            var n = await _stream.ReadAsync(_buffer, cancellationToken);
            if (n == 0)
            {
                _eof = true;
            }
        }
        _start = _end = 0;
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private async ValueTask SkipContentAsync(CancellationToken cancellationToken)
    {
        var skip = _remainingContent + _remainingPadding;
        _remainingContent = 0;
        _remainingPadding = 0;
        await SkipBytesAsync(skip, cancellationToken);
    }

    private async ValueTask SkipBytesAsync(long count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (_end == _start && !await FillAsync(1, cancellationToken))
            {
                throw Corrupt("truncated inside file content");
            }
            var n = (int)Math.Min(count, _end - _start);
            _start += n;
            count -= n;
        }
    }

    private async ValueTask<byte[]> ReadSmallContentAsync(long size, CancellationToken cancellationToken)
    {
        if (size > MaxExtendedHeaderBytes)
        {
            throw Corrupt($"an extended header of {size} bytes (more than {MaxExtendedHeaderBytes})");
        }
        var bytes = new byte[size];
        var offset = 0;
        while (offset < size)
        {
            if (_end == _start && !await FillAsync(1, cancellationToken))
            {
                throw Corrupt("truncated inside an extended header");
            }
            var n = (int)Math.Min(size - offset, _end - _start);
            _buffer.AsSpan(_start, n).CopyTo(bytes.AsSpan(offset));
            _start += n;
            offset += n;
        }
        await SkipBytesAsync(Padded(size) - size, cancellationToken);
        return bytes;
    }

    /// <summary>Ensures at least <paramref name="count"/> bytes are buffered; false at end of stream.</summary>
    private async ValueTask<bool> FillAsync(int count, CancellationToken cancellationToken)
    {
        if (_end - _start >= count)
        {
            return true;
        }
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        while (_end < count && !_eof)
        {
            var n = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (n == 0)
            {
                _eof = true;
                break;
            }
            _end += n;
        }
        return _end >= count;
    }

    private void SetName(string? paxPath, byte[]? longName, ReadOnlySpan<byte> header)
    {
        if (paxPath is not null)
        {
            NameLength = CopyChars(paxPath, ref _name);
            return;
        }
        if (longName is not null)
        {
            NameLength = Decode(TrimNul(longName), ref _name);
            return;
        }
        var name = TrimNul(header[..100]);
        // Only POSIX ustar ("ustar\0") has a name prefix; old GNU headers ("ustar  ") keep times there.
        var prefix = header.Slice(257, 6).SequenceEqual("ustar\0"u8) ? TrimNul(header.Slice(345, 155)) : [];
        if (prefix.IsEmpty)
        {
            NameLength = Decode(name, ref _name);
            return;
        }
        var length = Decode(prefix, ref _name);
        EnsureCapacity(ref _name, length + 1 + name.Length);
        _name[length++] = '/';
        NameLength = length + Encoding.UTF8.GetChars(name, _name.AsSpan(length));
    }

    private void SetLink(string? paxLink, byte[]? longLink, ReadOnlySpan<byte> field) =>
        LinkLength = paxLink is not null ? CopyChars(paxLink, ref _link)
            : longLink is not null ? Decode(TrimNul(longLink), ref _link)
            : Decode(TrimNul(field), ref _link);

    private int Decode(ReadOnlySpan<byte> bytes, ref char[] target)
    {
        if (bytes.Length > _maxPathLength)
        {
            throw new ImageLimitExceededException(LimitKind.PathLength, _maxPathLength, $"layer {_layerIndex}: a name of {bytes.Length} bytes");
        }
        EnsureCapacity(ref target, bytes.Length);
        return Encoding.UTF8.GetChars(bytes, target);
    }

    private int CopyChars(string value, ref char[] target)
    {
        if (value.Length > _maxPathLength)
        {
            throw new ImageLimitExceededException(LimitKind.PathLength, _maxPathLength, $"layer {_layerIndex}: a name of {value.Length} chars");
        }
        EnsureCapacity(ref target, value.Length);
        value.CopyTo(target);
        return value.Length;
    }

    private static void EnsureCapacity(ref char[] target, int length)
    {
        if (target.Length < length)
        {
            target = new char[Math.Max(length, target.Length * 2)];
        }
    }

    private static ReadOnlySpan<byte> TrimNul(ReadOnlySpan<byte> field)
    {
        var nul = field.IndexOf((byte)0);
        return nul < 0 ? field : field[..nul];
    }

    private void ParsePax(byte[] content, ref string? path, ref string? link, ref long? size)
    {
        // Records are "<len> <key>=<value>\n", len counting the whole record.
        var span = content.AsSpan();
        while (!span.IsEmpty)
        {
            var space = span.IndexOf((byte)' ');
            if (space <= 0 || !System.Buffers.Text.Utf8Parser.TryParse(span[..space], out int length, out var consumed)
                || consumed != space || length <= space + 1 || length > span.Length)
            {
                throw Corrupt("malformed PAX header");
            }
            var record = span[(space + 1)..(length - 1)];
            span = span[length..];
            var equals = record.IndexOf((byte)'=');
            if (equals < 0)
            {
                continue;
            }
            var key = record[..equals];
            var value = record[(equals + 1)..];
            if (key.SequenceEqual("path"u8))
            {
                path = Encoding.UTF8.GetString(value);
            }
            else if (key.SequenceEqual("linkpath"u8))
            {
                link = Encoding.UTF8.GetString(value);
            }
            else if (key.SequenceEqual("size"u8) && System.Buffers.Text.Utf8Parser.TryParse(value, out long parsed, out _) && parsed >= 0)
            {
                size = parsed;
            }
        }
    }

    private void VerifyChecksum(ReadOnlySpan<byte> header)
    {
        var expected = ParseNumber(header.Slice(148, 8));
        long sum = 0;
        for (var i = 0; i < Block; i++)
        {
            sum += i is >= 148 and < 156 ? (byte)' ' : header[i];
        }
        if (sum != expected)
        {
            throw Corrupt("tar header checksum mismatch (not a tar, or corrupt)");
        }
    }

    /// <summary>Octal (NUL/space padded) or GNU base-256 (high bit set) numeric field.</summary>
    private static long ParseNumber(ReadOnlySpan<byte> field)
    {
        if (field.Length > 0 && (field[0] & 0x80) != 0)
        {
            long value = field[0] & 0x7F;
            for (var i = 1; i < field.Length; i++)
            {
                if (value > (long.MaxValue >> 8))
                {
                    return -1;
                }
                value = (value << 8) | field[i];
            }
            return value;
        }
        long result = 0;
        foreach (var b in field)
        {
            if (b is (byte)' ' or 0)
            {
                if (result != 0)
                {
                    break;
                }
                continue;
            }
            if (b is < (byte)'0' or > (byte)'7' || result > (long.MaxValue >> 3))
            {
                return -1;
            }
            result = (result << 3) + (b - '0');
        }
        return result;
    }

    private static long Padded(long size) => (size + Block - 1) / Block * Block;

    private CorruptLayerException Corrupt(string detail) => new(_layerIndex, detail);
}
