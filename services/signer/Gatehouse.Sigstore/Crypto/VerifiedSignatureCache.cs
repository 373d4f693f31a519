using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Gatehouse.Sigstore.Crypto;

/// <summary>
/// Remembers signatures that verified, keyed by SHA-256 of (public key, scheme, message digest, signature).
/// An admission service sees the same bundles again and again; a hit skips the public-key operation
/// (about 1.2 ms for the P-384 Fulcio and TSA keys). Only successes are stored, so a hit means exactly this
/// key accepted exactly this signature over exactly this digest before. Bounded: cleared when full.
/// </summary>
internal static class VerifiedSignatureCache
{
    private const int Capacity = 16_384;
    private const int MaxInputLength = 4096;
    private static readonly ConcurrentDictionary<(UInt128, UInt128), byte> Entries = new();
    private static int count;

    /// <summary>Cache key for the verification, or null when the inputs are too large to be worth caching.</summary>
    public static (UInt128, UInt128)? Key(
        ReadOnlySpan<byte> spki, SignatureScheme scheme, ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature)
    {
        var length = spki.Length + digest.Length + signature.Length + 3;
        if (length > MaxInputLength)
        {
            return null;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var span = buffer.AsSpan(0, length);
            spki.CopyTo(span);
            var position = spki.Length;
            span[position++] = (byte)scheme.Algorithm;
            span[position++] = (byte)SignatureScheme.HashSize(scheme.Hash);
            span[position++] = scheme.RsaPss ? (byte)1 : (byte)0;
            digest.CopyTo(span[position..]);
            signature.CopyTo(span[(position + digest.Length)..]);
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(span, hash);
            var halves = MemoryMarshal.Cast<byte, UInt128>(hash);
            return (halves[0], halves[1]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static bool Contains((UInt128, UInt128)? key) => key is { } k && Entries.ContainsKey(k);

    public static void Add((UInt128, UInt128)? key)
    {
        if (key is not { } k || !Entries.TryAdd(k, 0))
        {
            return;
        }

        if (Interlocked.Increment(ref count) > Capacity)
        {
            Clear();
        }
    }

    /// <summary>Empties the cache (also used by tests to measure first-time verification cost).</summary>
    public static void Clear()
    {
        Entries.Clear();
        Interlocked.Exchange(ref count, 0);
    }
}
