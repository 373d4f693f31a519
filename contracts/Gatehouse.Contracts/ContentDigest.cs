using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Gatehouse.Contracts;

/// <summary>
/// A content digest as used by OCI registries: <c>sha256:&lt;64 hex&gt;</c> or <c>sha512:&lt;128 hex&gt;</c>,
/// lowercase hex only. Other algorithms are rejected: accepting digests we cannot verify would let
/// unverified content through.
/// </summary>
public sealed record ContentDigest
{
    public const string Sha256 = "sha256";
    public const string Sha512 = "sha512";

    private ContentDigest(string algorithm, string hex)
    {
        Algorithm = algorithm;
        Hex = hex;
    }

    /// <summary>"sha256" or "sha512".</summary>
    public string Algorithm { get; }

    /// <summary>The lowercase hex encoding of the hash.</summary>
    public string Hex { get; }

    public override string ToString() => Algorithm + ":" + Hex;

    /// <summary>The expected hex length for a supported algorithm, or null when unsupported.</summary>
    public static int? HexLength(string algorithm) => algorithm switch
    {
        Sha256 => 64,
        Sha512 => 128,
        _ => null,
    };

    public static bool IsValid([NotNullWhen(true)] string? value) => TryParse(value, out _, out _);

    public static ContentDigest Parse(string value) =>
        TryParse(value, out var digest, out var error) ? digest : throw new FormatException(error);

    public static bool TryParse(
        [NotNullWhen(true)] string? value,
        [NotNullWhen(true)] out ContentDigest? digest,
        [NotNullWhen(false)] out string? error)
    {
        digest = null;
        if (string.IsNullOrEmpty(value))
        {
            error = "digest is empty";
            return false;
        }

        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == value.Length - 1)
        {
            error = $"digest '{value}' is not of the form <algorithm>:<hex>";
            return false;
        }

        var algorithm = value[..colon];
        var hex = value[(colon + 1)..];
        if (HexLength(algorithm) is not { } expectedLength)
        {
            error = $"digest algorithm '{algorithm}' is not supported (expected sha256 or sha512)";
            return false;
        }

        foreach (var c in hex)
        {
            if (c is >= 'A' and <= 'F')
            {
                error = $"digest '{value}' has uppercase hex; digests must be lowercase";
                return false;
            }

            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                error = $"digest '{value}' contains '{c}', which is not a hex digit";
                return false;
            }
        }

        if (hex.Length != expectedLength)
        {
            error = $"{algorithm} digest must have {expectedLength} hex characters, got {hex.Length}";
            return false;
        }

        digest = new ContentDigest(algorithm, hex);
        error = null;
        return true;
    }

    public static ContentDigest ComputeSha256(ReadOnlySpan<byte> content) =>
        new(Sha256, Convert.ToHexStringLower(SHA256.HashData(content)));

    public static ContentDigest ComputeSha512(ReadOnlySpan<byte> content) =>
        new(Sha512, Convert.ToHexStringLower(SHA512.HashData(content)));

    /// <summary>Hashes <paramref name="content"/> with this digest's algorithm.</summary>
    public ContentDigest ComputeSameAlgorithm(ReadOnlySpan<byte> content) =>
        Algorithm == Sha512 ? ComputeSha512(content) : ComputeSha256(content);

    /// <summary>True when <paramref name="content"/> hashes to this digest.</summary>
    public bool Matches(ReadOnlySpan<byte> content) => ComputeSameAlgorithm(content) == this;

    /// <summary>A new incremental hash for this digest's algorithm (for streaming verification).</summary>
    public IncrementalHash CreateIncrementalHash() => IncrementalHash.CreateHash(
        Algorithm == Sha512 ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256);
}
