using System.Security.Cryptography;
using Gatehouse.Signer.Authorities;
using Gatehouse.Signer.Discovery;
using Gatehouse.Signer.Formats;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace Gatehouse.Signer.Tests;

/// <summary>A key pair of one of the supported types: its PEM public key and a signing function as cosign would use it.</summary>
public sealed record TestKey(string Name, string PublicPem, Func<byte[], byte[]> Sign)
{
    public override string ToString() => Name;

    public TrustAuthority Authority(string name = "key") =>
        TrustAuthorities.Create([TrustAuthority.Key(name, Sigstore.PublicKeyPolicy.FromPem(PublicPem), null, null)]).All[0];
}

public static class TestKeys
{
    public const string Digest = "sha256:4c6f8b8e5f3ad3a2b9c7f1e0d2a4b6c8e0f1a2b3c4d5e6f708192a3b4c5d6e7f";

    public static TestKey EcdsaP256() => Ecdsa("ECDSA P-256", ECCurve.NamedCurves.nistP256, HashAlgorithmName.SHA256);

    public static TestKey EcdsaP384() => Ecdsa("ECDSA P-384", ECCurve.NamedCurves.nistP384, HashAlgorithmName.SHA384);

    public static TestKey RsaPkcs1() => Rsa("RSA PKCS#1 v1.5", RSASignaturePadding.Pkcs1);

    public static TestKey RsaPss() => Rsa("RSA PSS", RSASignaturePadding.Pss);

    public static TestKey Ed25519()
    {
        var privateKey = new Ed25519PrivateKeyParameters(new SecureRandom());
        var publicKey = privateKey.GeneratePublicKey().GetEncoded();
        // SubjectPublicKeyInfo: SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING key }.
        byte[] spki = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00, .. publicKey];
        return new TestKey("Ed25519", PemEncoding.WriteString("PUBLIC KEY", spki), data =>
        {
            var signer = new Ed25519Signer();
            signer.Init(true, privateKey);
            signer.BlockUpdate(data, 0, data.Length);
            return signer.GenerateSignature();
        });
    }

    public static IEnumerable<TestKey> All() => [EcdsaP256(), EcdsaP384(), RsaPkcs1(), RsaPss(), Ed25519()];

    /// <summary>A cosign <c>.sig</c> layer: the payload and its signature annotation.</summary>
    public static SignatureEntry SignatureLayer(TestKey key, byte[] payload, string artifact = "sha256-test.sig#0") =>
        new(artifact, SignatureArtifactDiscovery.SignatureKind, CosignFormats.SimpleSigningMediaType, payload,
            new Dictionary<string, string> { [CosignFormats.SignatureAnnotation] = Convert.ToBase64String(key.Sign(payload)) });

    /// <summary>A cosign <c>.att</c> layer: a DSSE envelope over an in-toto statement, signed with the key.</summary>
    public static SignatureEntry AttestationLayer(TestKey key, byte[] statement, string artifact = "sha256-test.att#0")
    {
        var signature = key.Sign(DsseEnvelope.PreAuthenticationEncoding(CosignFormats.InTotoPayloadType, statement));
        var envelope = new DsseEnvelope(CosignFormats.InTotoPayloadType, statement, [new DsseSignature("", signature)]);
        return new SignatureEntry(artifact, SignatureArtifactDiscovery.AttestationKind, CosignFormats.DsseEnvelopeMediaType, envelope.ToJson(),
            new Dictionary<string, string> { [CosignFormats.SignatureAnnotation] = "", [CosignFormats.PredicateTypeAnnotation] = "https://cyclonedx.org/bom" });
    }

    private static TestKey Ecdsa(string name, ECCurve curve, HashAlgorithmName hash)
    {
        var key = ECDsa.Create(curve);
        return new TestKey(name, key.ExportSubjectPublicKeyInfoPem(), data => key.SignData(data, hash, DSASignatureFormat.Rfc3279DerSequence));
    }

    private static TestKey Rsa(string name, RSASignaturePadding padding)
    {
        var key = RSA.Create(2048);
        return new TestKey(name, key.ExportSubjectPublicKeyInfoPem(), data => key.SignData(data, HashAlgorithmName.SHA256, padding));
    }
}
