using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Gatehouse.Sigstore.Crypto;

internal enum KeyAlgorithm
{
    Ecdsa,
    Rsa,
    Ed25519,
}

/// <summary>How a signature was made: key family, digest and (for RSA) padding.</summary>
internal readonly record struct SignatureScheme(KeyAlgorithm Algorithm, HashAlgorithmName Hash, bool RsaPss = false)
{
    public static readonly SignatureScheme EcdsaSha256 = new(KeyAlgorithm.Ecdsa, HashAlgorithmName.SHA256);
    public static readonly SignatureScheme Ed25519 = new(KeyAlgorithm.Ed25519, default);

    /// <summary>Maps an X.509 / CMS signatureAlgorithm identifier (OID and parameters) to a scheme.</summary>
    public static bool TryFromAlgorithmIdentifier(string oid, ReadOnlyMemory<byte>? parameters, out SignatureScheme scheme)
    {
        scheme = oid switch
        {
            "1.2.840.10045.4.3.2" => new(KeyAlgorithm.Ecdsa, HashAlgorithmName.SHA256),
            "1.2.840.10045.4.3.3" => new(KeyAlgorithm.Ecdsa, HashAlgorithmName.SHA384),
            "1.2.840.10045.4.3.4" => new(KeyAlgorithm.Ecdsa, HashAlgorithmName.SHA512),
            "1.2.840.113549.1.1.11" => new(KeyAlgorithm.Rsa, HashAlgorithmName.SHA256),
            "1.2.840.113549.1.1.12" => new(KeyAlgorithm.Rsa, HashAlgorithmName.SHA384),
            "1.2.840.113549.1.1.13" => new(KeyAlgorithm.Rsa, HashAlgorithmName.SHA512),
            "1.3.101.112" => Ed25519,
            _ => default,
        };
        if (scheme != default)
        {
            return true;
        }

        if (oid == "1.2.840.113549.1.1.10" && parameters is { } pssParameters &&
            TryReadPssHash(pssParameters, out var pssHash))
        {
            scheme = new(KeyAlgorithm.Rsa, pssHash, RsaPss: true);
            return true;
        }

        return false;
    }

    /// <summary>Maps a digest algorithm OID (CMS digestAlgorithm, message imprint) to a hash name.</summary>
    public static bool TryHashFromOid(string oid, out HashAlgorithmName hash)
    {
        hash = oid switch
        {
            "2.16.840.1.101.3.4.2.1" => HashAlgorithmName.SHA256,
            "2.16.840.1.101.3.4.2.2" => HashAlgorithmName.SHA384,
            "2.16.840.1.101.3.4.2.3" => HashAlgorithmName.SHA512,
            _ => default,
        };
        return hash != default;
    }

    /// <summary>Maps the protobuf HashAlgorithm names ("SHA2_256") and Rekor names ("sha256").</summary>
    public static bool TryHashFromName(string? name, out HashAlgorithmName hash)
    {
        hash = name switch
        {
            "SHA2_256" or "sha256" => HashAlgorithmName.SHA256,
            "SHA2_384" or "sha384" => HashAlgorithmName.SHA384,
            "SHA2_512" or "sha512" => HashAlgorithmName.SHA512,
            _ => default,
        };
        return hash != default;
    }

    /// <summary>Scheme named by a trusted-root keyDetails value, when it pins one (e.g. RSA PSS, SHA-384).</summary>
    public static SignatureScheme? FromKeyDetails(string? keyDetails)
    {
        if (string.IsNullOrEmpty(keyDetails))
        {
            return null;
        }

        var hash = keyDetails.Contains("SHA_512", StringComparison.Ordinal) || keyDetails.Contains("SHA512", StringComparison.Ordinal)
            ? HashAlgorithmName.SHA512
            : keyDetails.Contains("SHA_384", StringComparison.Ordinal) || keyDetails.Contains("SHA384", StringComparison.Ordinal)
                ? HashAlgorithmName.SHA384
                : HashAlgorithmName.SHA256;
        if (keyDetails.Contains("ED25519", StringComparison.Ordinal))
        {
            return Ed25519;
        }

        if (keyDetails.Contains("ECDSA", StringComparison.Ordinal))
        {
            return new(KeyAlgorithm.Ecdsa, hash);
        }

        if (keyDetails.Contains("RSA", StringComparison.Ordinal))
        {
            return new(KeyAlgorithm.Rsa, hash, keyDetails.Contains("PSS", StringComparison.Ordinal));
        }

        return null;
    }

    public static int HashSize(HashAlgorithmName hash) =>
        hash == HashAlgorithmName.SHA512 ? 64 : hash == HashAlgorithmName.SHA384 ? 48 : 32;

    public static byte[] ComputeHash(HashAlgorithmName hash, ReadOnlySpan<byte> data) =>
        hash == HashAlgorithmName.SHA512 ? SHA512.HashData(data)
        : hash == HashAlgorithmName.SHA384 ? SHA384.HashData(data)
        : hash == HashAlgorithmName.SHA256 ? SHA256.HashData(data)
        : throw new CryptographicException($"Unsupported hash {hash.Name}.");

    private static bool TryReadPssHash(ReadOnlyMemory<byte> parameters, out HashAlgorithmName hash)
    {
        // RSASSA-PSS-params: [0] hashAlgorithm (default SHA-1, which is not accepted here).
        hash = default;
        try
        {
            var sequence = new AsnReader(parameters, AsnEncodingRules.DER).ReadSequence();
            if (!sequence.HasData || !sequence.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                return false;
            }

            var hashAlgorithm = sequence.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
            return TryHashFromOid(hashAlgorithm.ReadObjectIdentifier(), out hash);
        }
        catch (AsnContentException)
        {
            return false;
        }
    }
}
