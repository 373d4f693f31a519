using System.Diagnostics.CodeAnalysis;
using System.Formats.Asn1;
using System.Security.Cryptography;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace Gatehouse.Sigstore.Crypto;

/// <summary>
/// A parsed public key (ECDSA, RSA or Ed25519) that verifies signatures and never throws on bad input.
/// Instances are parsed once and shared; calls into the platform key are serialised because .NET does
/// not promise thread safety for one AsymmetricAlgorithm instance.
/// </summary>
internal sealed class VerificationKey : IDisposable
{
    private const string EcPublicKeyOid = "1.2.840.10045.2.1";
    private const string RsaEncryptionOid = "1.2.840.113549.1.1.1";
    private const string Ed25519Oid = "1.3.101.112";

    private readonly ECDsa? ecdsa;
    private readonly RSA? rsa;
    private readonly byte[]? ed25519;
    private readonly Lock gate = new();

    private VerificationKey(byte[] spki, ECDsa? ecdsa, RSA? rsa, byte[]? ed25519)
    {
        SubjectPublicKeyInfo = spki;
        this.ecdsa = ecdsa;
        this.rsa = rsa;
        this.ed25519 = ed25519;
        if (ecdsa is not null)
        {
            Algorithm = KeyAlgorithm.Ecdsa;
            var hash = ecdsa.KeySize switch
            {
                > 384 => HashAlgorithmName.SHA512,
                > 256 => HashAlgorithmName.SHA384,
                _ => HashAlgorithmName.SHA256,
            };
            DefaultScheme = new SignatureScheme(KeyAlgorithm.Ecdsa, hash);
            Description = $"ECDSA P-{ecdsa.KeySize}";
        }
        else if (rsa is not null)
        {
            Algorithm = KeyAlgorithm.Rsa;
            DefaultScheme = new SignatureScheme(KeyAlgorithm.Rsa, HashAlgorithmName.SHA256);
            Description = $"RSA {rsa.KeySize}";
        }
        else
        {
            Algorithm = KeyAlgorithm.Ed25519;
            DefaultScheme = SignatureScheme.Ed25519;
            Description = "Ed25519";
        }
    }

    /// <summary>DER SubjectPublicKeyInfo (the comparison form for "same key").</summary>
    public byte[] SubjectPublicKeyInfo { get; }

    public KeyAlgorithm Algorithm { get; }

    /// <summary>The scheme Sigstore clients use for this key type when nothing else says otherwise.</summary>
    public SignatureScheme DefaultScheme { get; }

    public string Description { get; }

    public static bool TryFromSubjectPublicKeyInfo(
        ReadOnlySpan<byte> der, [NotNullWhen(true)] out VerificationKey? key, out string error)
    {
        key = null;
        try
        {
            var spki = new AsnReader(der.ToArray(), AsnEncodingRules.DER);
            var sequence = spki.ReadSequence();
            spki.ThrowIfNotEmpty();
            var algorithm = sequence.ReadSequence().ReadObjectIdentifier();
            var copy = der.ToArray();
            switch (algorithm)
            {
                case EcPublicKeyOid:
                    var ec = ECDsa.Create();
                    ec.ImportSubjectPublicKeyInfo(copy, out _);
                    key = new VerificationKey(copy, ec, null, null);
                    break;
                case RsaEncryptionOid:
                    var r = RSA.Create();
                    r.ImportSubjectPublicKeyInfo(copy, out _);
                    key = new VerificationKey(copy, null, r, null);
                    break;
                case Ed25519Oid:
                    var bits = sequence.ReadBitString(out var unused);
                    sequence.ThrowIfNotEmpty();
                    if (unused != 0 || bits.Length != Ed25519.PublicKeySize)
                    {
                        error = "Ed25519 key must be 32 bytes";
                        return false;
                    }

                    key = new VerificationKey(copy, null, null, bits);
                    break;
                default:
                    error = $"unsupported key algorithm {algorithm}";
                    return false;
            }

            error = string.Empty;
            return true;
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException)
        {
            error = $"malformed public key: {e.Message}";
            return false;
        }
    }

    /// <summary>Trusted-root keys are SPKI, except PKCS1_RSA_* keys which may be a bare PKCS#1 RSAPublicKey.</summary>
    public static bool TryFromTrustedRootKey(
        byte[] raw, [NotNullWhen(true)] out VerificationKey? key, out string error)
    {
        if (TryFromSubjectPublicKeyInfo(raw, out key, out error))
        {
            return true;
        }

        try
        {
            var r = RSA.Create();
            r.ImportRSAPublicKey(raw, out var read);
            if (read != raw.Length)
            {
                return false;
            }

            key = new VerificationKey(r.ExportSubjectPublicKeyInfo(), null, r, null);
            error = string.Empty;
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>Releases the native key; only for short-lived keys (bundle leaf certificates), never trusted-root keys.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            ecdsa?.Dispose();
            rsa?.Dispose();
        }
    }

    public bool SameKeyAs(ReadOnlySpan<byte> otherSpki) => SubjectPublicKeyInfo.AsSpan().SequenceEqual(otherSpki);

    /// <summary>Verifies a signature over <paramref name="data"/>.</summary>
    public bool VerifyData(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature, SignatureScheme scheme)
    {
        if (scheme.Algorithm != Algorithm)
        {
            return false;
        }

        if (ed25519 is not null)
        {
            return VerifyEd25519(data, signature);
        }

        Span<byte> digest = stackalloc byte[64];
        var size = SignatureScheme.HashSize(scheme.Hash);
        if (!TryHash(scheme.Hash, data, digest[..size]))
        {
            return false;
        }

        return VerifyDigest(digest[..size], signature, scheme);
    }

    /// <summary>Verifies a signature over a precomputed digest (not possible for Ed25519, which signs the message).</summary>
    public bool VerifyDigest(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature, SignatureScheme scheme)
    {
        if (scheme.Algorithm != Algorithm || digest.Length != SignatureScheme.HashSize(scheme.Hash))
        {
            return false;
        }

        var cacheKey = VerifiedSignatureCache.Key(SubjectPublicKeyInfo, scheme, digest, signature);
        if (VerifiedSignatureCache.Contains(cacheKey))
        {
            return true;
        }

        bool valid;
        try
        {
            lock (gate)
            {
                valid = ecdsa is not null
                    ? ecdsa.VerifyHash(digest, signature, DSASignatureFormat.Rfc3279DerSequence)
                    : rsa is not null && rsa.VerifyHash(digest, signature, scheme.Hash,
                        scheme.RsaPss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1);
            }
        }
        catch (CryptographicException)
        {
            return false;
        }

        if (valid)
        {
            VerifiedSignatureCache.Add(cacheKey);
        }

        return valid;
    }

    private bool VerifyEd25519(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != Ed25519.SignatureSize)
        {
            return false;
        }

        // The message digest only keys the cache; Ed25519 itself verifies the full message.
        var cacheKey = VerifiedSignatureCache.Key(SubjectPublicKeyInfo, DefaultScheme, SHA256.HashData(data), signature);
        if (VerifiedSignatureCache.Contains(cacheKey))
        {
            return true;
        }

        var valid = Ed25519.Verify(signature.ToArray(), 0, ed25519, 0, data.ToArray(), 0, data.Length);
        if (valid)
        {
            VerifiedSignatureCache.Add(cacheKey);
        }

        return valid;
    }

    private static bool TryHash(HashAlgorithmName hash, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (hash == HashAlgorithmName.SHA256)
        {
            return SHA256.TryHashData(data, destination, out _);
        }

        if (hash == HashAlgorithmName.SHA384)
        {
            return SHA384.TryHashData(data, destination, out _);
        }

        return hash == HashAlgorithmName.SHA512 && SHA512.TryHashData(data, destination, out _);
    }
}
