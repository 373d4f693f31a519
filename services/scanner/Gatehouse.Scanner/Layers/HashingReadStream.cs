using System.Security.Cryptography;

namespace Gatehouse.Scanner.Layers;

/// <summary>
/// Read-only pass-through that hashes and counts every byte read, optionally charging them to a shared
/// budget so a decompression bomb stops at the configured limit instead of exhausting anything.
/// </summary>
internal sealed class HashingReadStream(Stream inner, ByteBudget? budget = null, string algorithm = "sha256") : Stream
{
    private readonly IncrementalHash _hash =
        IncrementalHash.CreateHash(algorithm == "sha512" ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256);

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

    /// <summary><c>&lt;algorithm&gt;:&lt;hex&gt;</c> of everything read so far.</summary>
    public string Digest() => algorithm + ":" + Convert.ToHexStringLower(_hash.GetCurrentHash());

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        Account(buffer[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken);
        Account(buffer.Span[..n]);
        return n;
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
            _hash.Dispose();
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    private void Account(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }
        BytesRead += bytes.Length;
        budget?.Charge(bytes.Length);
        _hash.AppendData(bytes);
    }
}

/// <summary>A running total checked against a limit; exceeding it throws <see cref="ImageLimitExceededException"/>.
/// One instance spans all layers of a scan (not thread-safe: layers are read one after another).</summary>
public sealed class ByteBudget(LimitKind kind, long limit, string what)
{
    public long Used { get; private set; }

    public long Limit => limit;

    internal void Charge(long bytes)
    {
        Used += bytes;
        if (Used > limit)
        {
            throw new ImageLimitExceededException(kind, limit, $"{what} reached {Used} bytes");
        }
    }
}
