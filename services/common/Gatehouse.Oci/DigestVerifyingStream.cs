using System.Security.Cryptography;
using Gatehouse.Contracts;

namespace Gatehouse.Oci;

/// <summary>
/// A read-only stream that hashes what passes through and checks the digest (and size, when known) once the
/// inner stream ends. A size overrun fails as soon as it happens, so a hostile source cannot stream forever.
/// </summary>
public sealed class DigestVerifyingStream : Stream
{
    private readonly Stream _inner;
    private readonly ContentDigest _expected;
    private readonly long? _expectedSize;
    private readonly IncrementalHash _hash;
    private readonly IDisposable? _owner;
    private long _read;
    private bool _verified;

    /// <param name="inner">The stream to read.</param>
    /// <param name="expectedDigest">The digest the content must hash to.</param>
    /// <param name="expectedSize">The exact size, when the descriptor gives one.</param>
    /// <param name="owner">Disposed with this stream (e.g. the HTTP response that owns <paramref name="inner"/>).</param>
    public DigestVerifyingStream(Stream inner, string expectedDigest, long? expectedSize = null, IDisposable? owner = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _expected = ContentDigest.Parse(expectedDigest);
        _expectedSize = expectedSize;
        _hash = _expected.CreateIncrementalHash();
        _owner = owner;
    }

    /// <summary>Bytes read so far.</summary>
    public long BytesRead => _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _expectedSize ?? throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = _inner.Read(buffer);
        Account(buffer, n);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Account(buffer.Span, n);
        return n;
    }

    private void Account(ReadOnlySpan<byte> requested, int n)
    {
        // A zero-byte read of a non-empty buffer is end of stream: the only moment the digest can be checked.
        if (n == 0)
        {
            if (requested.Length > 0)
            {
                Verify();
            }

            return;
        }

        _read += n;
        if (_read > _expectedSize)
        {
            throw new SizeMismatchException($"blob {_expected} is larger than its expected {_expectedSize} bytes");
        }

        _hash.AppendData(requested[..n]);
    }

    private void Verify()
    {
        if (_verified)
        {
            return;
        }

        _verified = true;
        if (_expectedSize is { } size && _read != size)
        {
            throw new SizeMismatchException($"blob {_expected} ended after {_read} bytes but its expected size is {size}");
        }

        var actual = _expected.Algorithm + ":" + Convert.ToHexStringLower(_hash.GetHashAndReset());
        if (actual != _expected.ToString())
        {
            throw new DigestMismatchException(_expected.ToString(), actual, "blob content");
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
            _inner.Dispose();
            _hash.Dispose();
            _owner?.Dispose();
        }

        base.Dispose(disposing);
    }
}
