using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Gatehouse.Contracts.Decisions;

/// <summary>
/// HMAC-SHA256 over a canonical encoding of a decision record, with a key only policy and admission hold, so
/// that write access to Redis alone cannot admit an image. Every field is length-prefixed, so no two different
/// records encode to the same bytes.
/// </summary>
public sealed class DecisionMac
{
    private readonly byte[] _key;

    /// <param name="key">At least 32 bytes of secret key material.</param>
    public DecisionMac(ReadOnlySpan<byte> key)
    {
        if (key.Length < 32) throw new ArgumentException("the decision MAC key must be at least 32 bytes", nameof(key));
        _key = key.ToArray();
    }

    /// <summary>The record with its <see cref="DecisionRecord.Mac"/> computed.</summary>
    public DecisionRecord Sign(DecisionRecord record) => record with { Mac = Compute(record) };

    /// <summary>True when the record's MAC is the one this key computes (constant-time comparison).</summary>
    public bool Verify(DecisionRecord record)
    {
        Span<byte> presented = stackalloc byte[32];
        if (!Convert.TryFromBase64String(record.Mac, presented, out var written) || written != 32) return false;
        Span<byte> expected = stackalloc byte[32];
        ComputeInto(record, expected);
        return CryptographicOperations.FixedTimeEquals(presented, expected);
    }

    public string Compute(DecisionRecord record)
    {
        Span<byte> mac = stackalloc byte[32];
        ComputeInto(record, mac);
        return Convert.ToBase64String(mac);
    }

    private void ComputeInto(DecisionRecord record, Span<byte> destination)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        Write(buffer, "gatehouse-decision-v1");
        Write(buffer, record.Digest);
        Write(buffer, record.Profile);
        Write(buffer, record.Status);
        Write(buffer, record.Reasons.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var reason in record.Reasons)
        {
            Write(buffer, reason.Code);
            Write(buffer, reason.Message);
            Write(buffer, reason.Effect);
        }
        Write(buffer, record.PolicyGeneration.ToString(CultureInfo.InvariantCulture));
        Write(buffer, record.TrustRootVersion);
        Write(buffer, record.AdvisoryDataVersion);
        Write(buffer, record.DecidedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        Write(buffer, record.ValidUntil?.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) ?? "-");
        Write(buffer, record.TraceParent ?? "-");
        HMACSHA256.HashData(_key, buffer.WrittenSpan, destination);
    }

    private static void Write(ArrayBufferWriter<byte> buffer, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        var span = buffer.GetSpan(4 + length);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(span, length);
        Encoding.UTF8.GetBytes(value, span[4..]);
        buffer.Advance(4 + length);
    }
}
