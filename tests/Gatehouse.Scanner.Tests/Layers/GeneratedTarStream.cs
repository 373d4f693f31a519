using System.Text;

namespace Gatehouse.Scanner.Tests.Layers;

/// <summary>
/// A tar of <c>count</c> tiny files (<c>f/&lt;n&gt;</c>, one byte each) or of one file of <c>bytes</c> zeros,
/// produced block by block as it is read: huge layers without holding or writing them.
/// </summary>
internal sealed class GeneratedTarStream : Stream
{
    private readonly long _files;
    private readonly long _zeroBytes;
    private readonly byte[] _block = new byte[512];
    private long _fileIndex;
    private long _zerosLeft;
    private int _blockOffset = 512;
    private int _trailerBlocks = 2;
    private bool _headerDone;

    private GeneratedTarStream(long files, long zeroBytes)
    {
        _files = files;
        _zeroBytes = zeroBytes;
    }

    public static GeneratedTarStream TinyFiles(long count) => new(count, 0);

    public static GeneratedTarStream OneZeroFile(long bytes) => new(0, bytes);

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
        var written = 0;
        while (written < buffer.Length)
        {
            if (_blockOffset == 512 && !NextBlock())
            {
                break;
            }
            var n = Math.Min(buffer.Length - written, 512 - _blockOffset);
            _block.AsSpan(_blockOffset, n).CopyTo(buffer[written..]);
            _blockOffset += n;
            written += n;
        }
        return written;
    }

    // Synchronous by nature: answer async reads inline instead of through Stream's thread-pool fallback.
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private bool NextBlock()
    {
        _blockOffset = 0;
        Array.Clear(_block);
        if (_zeroBytes > 0 && !_headerDone)
        {
            _headerDone = true;
            _zerosLeft = (_zeroBytes + 511) / 512 * 512;
            WriteHeader("zeros", _zeroBytes);
            return true;
        }
        if (_zerosLeft > 0)
        {
            _zerosLeft -= 512;
            return true;
        }
        if (_fileIndex < _files)
        {
            // Even blocks are headers, odd ones the one-byte contents.
            if (!_headerDone)
            {
                WriteHeader($"f/{_fileIndex}", 1);
                _headerDone = true;
            }
            else
            {
                _block[0] = (byte)'x';
                _headerDone = false;
                _fileIndex++;
            }
            return true;
        }
        if (_trailerBlocks-- > 0)
        {
            return true;
        }
        _blockOffset = 512; // stay at the end: every later read returns 0
        return false;
    }

    private void WriteHeader(string name, long size)
    {
        Encoding.ASCII.GetBytes(name, _block);
        Encoding.ASCII.GetBytes("0000644\0", _block.AsSpan(100));
        Encoding.ASCII.GetBytes("0000000\0", _block.AsSpan(108));
        Encoding.ASCII.GetBytes("0000000\0", _block.AsSpan(116));
        Encoding.ASCII.GetBytes(Convert.ToString(size, 8).PadLeft(11, '0') + "\0", _block.AsSpan(124));
        Encoding.ASCII.GetBytes("00000000000\0", _block.AsSpan(136));
        _block[156] = (byte)'0';
        Encoding.ASCII.GetBytes("ustar\000", _block.AsSpan(257));
        _block.AsSpan(148, 8).Fill((byte)' ');
        var sum = 0;
        foreach (var b in _block)
        {
            sum += b;
        }
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ", _block.AsSpan(148));
    }
}
