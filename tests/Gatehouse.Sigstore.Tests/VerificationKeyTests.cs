using System.Security.Cryptography;
using Gatehouse.Sigstore.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace Gatehouse.Sigstore.Tests;

/// <summary>Every supported key type verifies its own signatures and rejects others without throwing.</summary>
public sealed class VerificationKeyTests
{
    private static readonly byte[] Message = "sigstore"u8.ToArray();

    [Theory]
    [InlineData("nistP256", "SHA256")]
    [InlineData("nistP384", "SHA384")]
    public void EcdsaKeyUsesTheHashOfItsCurve(string curve, string hash)
    {
        using var signer = ECDsa.Create(ECCurve.CreateFromFriendlyName(curve));
        var signature = signer.SignData(Message, new HashAlgorithmName(hash), DSASignatureFormat.Rfc3279DerSequence);
        using var key = Parse(signer.ExportSubjectPublicKeyInfo());

        Assert.Equal(new HashAlgorithmName(hash), key.DefaultScheme.Hash);
        Assert.True(key.VerifyData(Message, signature, key.DefaultScheme));
        Assert.False(key.VerifyData("other"u8, signature, key.DefaultScheme));
    }

    [Fact]
    public void RsaKeyVerifiesPkcs1AndPssOnlyUnderTheRightPadding()
    {
        using var signer = RSA.Create(2048);
        var pkcs1 = signer.SignData(Message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var pss = signer.SignData(Message, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        using var key = Parse(signer.ExportSubjectPublicKeyInfo());
        var pssScheme = SignatureScheme.FromKeyDetails("PKIX_RSA_PSS_2048_SHA256")!.Value;

        Assert.True(key.VerifyData(Message, pkcs1, key.DefaultScheme));
        Assert.True(key.VerifyData(Message, pss, pssScheme));
        Assert.False(key.VerifyData(Message, pss, key.DefaultScheme));
    }

    [Fact]
    public void BarePkcs1RsaKeyFromATrustedRootIsAccepted()
    {
        using var signer = RSA.Create(2048);
        var signature = signer.SignData(Message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        Assert.True(VerificationKey.TryFromTrustedRootKey(signer.ExportRSAPublicKey(), out var key, out _));
        using (key)
        {
            Assert.True(key.VerifyData(Message, signature, key.DefaultScheme));
        }
    }

    [Fact]
    public void Ed25519KeyVerifiesTheMessageItself()
    {
        var generator = new Ed25519KeyPairGenerator();
        generator.Init(new Ed25519KeyGenerationParameters(new SecureRandom()));
        var pair = generator.GenerateKeyPair();
        var signer = new Ed25519Signer();
        signer.Init(true, pair.Private);
        signer.BlockUpdate(Message, 0, Message.Length);
        var signature = signer.GenerateSignature();
        var spki = SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo((Ed25519PublicKeyParameters)pair.Public).GetDerEncoded();
        using var key = Parse(spki);

        Assert.Equal(KeyAlgorithm.Ed25519, key.Algorithm);
        Assert.True(key.VerifyData(Message, signature, key.DefaultScheme));
        signature[0] ^= 1;
        Assert.False(key.VerifyData(Message, signature, key.DefaultScheme));
    }

    [Fact]
    public void GarbageSignaturesAndMismatchedSchemesAreRejectedWithoutThrowing()
    {
        using var signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var key = Parse(signer.ExportSubjectPublicKeyInfo());
        var rsaScheme = new SignatureScheme(KeyAlgorithm.Rsa, HashAlgorithmName.SHA256);

        Assert.False(key.VerifyData(Message, [0x30, 0x01, 0xff], key.DefaultScheme));
        Assert.False(key.VerifyData(Message, [], key.DefaultScheme));
        Assert.False(key.VerifyData(Message, signer.SignData(Message, HashAlgorithmName.SHA256), rsaScheme));
    }

    [Fact]
    public void UnsupportedOrMalformedKeysAreReportedNotThrown()
    {
        Assert.False(VerificationKey.TryFromSubjectPublicKeyInfo([0x30, 0x03, 0x02, 0x01, 0x00], out _, out var error));
        Assert.Contains("malformed", error, StringComparison.Ordinal);
        Assert.False(VerificationKey.TryFromTrustedRootKey([1, 2, 3], out _, out _));
    }

    private static VerificationKey Parse(byte[] spki)
    {
        Assert.True(VerificationKey.TryFromSubjectPublicKeyInfo(spki, out var key, out var error), error);
        return key;
    }
}
