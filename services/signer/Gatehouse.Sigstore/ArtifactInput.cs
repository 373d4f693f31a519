using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Gatehouse.Sigstore.Crypto;

namespace Gatehouse.Sigstore;

/// <summary>
/// The thing a bundle claims to sign: the artifact bytes, or only its digest (e.g. an OCI image digest).
/// With a digest alone, Ed25519 message signatures cannot be checked (Ed25519 signs the message itself).
/// </summary>
public sealed class ArtifactInput
{
    private readonly ReadOnlyMemory<byte>? bytes;
    private readonly HashAlgorithmName digestAlgorithm;
    private readonly byte[]? digest;
    private byte[]? sha256;
    private byte[]? sha384;
    private byte[]? sha512;

    private ArtifactInput(ReadOnlyMemory<byte>? bytes, HashAlgorithmName digestAlgorithm, byte[]? digest)
    {
        this.bytes = bytes;
        this.digestAlgorithm = digestAlgorithm;
        this.digest = digest;
    }

    public bool HasBytes => bytes is not null;

    internal ReadOnlyMemory<byte>? Bytes => bytes;

    public static ArtifactInput FromBytes(ReadOnlyMemory<byte> artifact) => new(artifact, default, null);

    /// <exception cref="ArgumentException">The digest length does not fit the algorithm, or the algorithm is not SHA-2.</exception>
    public static ArtifactInput FromDigest(HashAlgorithmName algorithm, ReadOnlySpan<byte> digest)
    {
        if (algorithm != HashAlgorithmName.SHA256 && algorithm != HashAlgorithmName.SHA384 && algorithm != HashAlgorithmName.SHA512)
        {
            throw new ArgumentException($"Unsupported digest algorithm {algorithm.Name}.", nameof(algorithm));
        }

        if (digest.Length != SignatureScheme.HashSize(algorithm))
        {
            throw new ArgumentException($"A {algorithm.Name} digest is {SignatureScheme.HashSize(algorithm)} bytes.", nameof(digest));
        }

        return new(null, algorithm, digest.ToArray());
    }

    /// <summary>Parses "sha256:&lt;hex&gt;" (also sha384/sha512), the conformance FILE_OR_DIGEST form.</summary>
    public static bool TryParseDigest(string text, [NotNullWhen(true)] out ArtifactInput? artifact)
    {
        artifact = null;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        HashAlgorithmName algorithm = text[..colon] switch
        {
            "sha256" => HashAlgorithmName.SHA256,
            "sha384" => HashAlgorithmName.SHA384,
            "sha512" => HashAlgorithmName.SHA512,
            _ => default,
        };
        var hex = text[(colon + 1)..];
        if (algorithm == default || hex.Length != SignatureScheme.HashSize(algorithm) * 2)
        {
            return false;
        }

        try
        {
            artifact = new ArtifactInput(null, algorithm, Convert.FromHexString(hex));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>The artifact digest under <paramref name="algorithm"/>, or null when only another digest is known.</summary>
    internal byte[]? GetDigest(HashAlgorithmName algorithm)
    {
        if (bytes is null)
        {
            return algorithm == digestAlgorithm ? digest : null;
        }

        var span = bytes.Value.Span;
        if (algorithm == HashAlgorithmName.SHA256)
        {
            return sha256 ??= SHA256.HashData(span);
        }

        if (algorithm == HashAlgorithmName.SHA384)
        {
            return sha384 ??= SHA384.HashData(span);
        }

        return algorithm == HashAlgorithmName.SHA512 ? sha512 ??= SHA512.HashData(span) : null;
    }
}
