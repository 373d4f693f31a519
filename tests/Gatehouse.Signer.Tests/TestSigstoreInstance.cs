using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.Signer.Formats;

namespace Gatehouse.Signer.Tests;

/// <summary>A Fulcio-issued signing certificate and its key.</summary>
public sealed record TestLeaf(ECDsa Key, byte[] Der, string Pem, DateTimeOffset NotBefore, DateTimeOffset NotAfter);

/// <summary>
/// A private Sigstore instance made for tests: a Fulcio CA, a CT log and a Rekor log, each with its own key, and the
/// trusted_root.json naming them. It issues Fulcio-style leaves (email SAN, OIDC issuer extensions, code signing,
/// an embedded SCT) and logs signatures the way Rekor v1 does (hashedrekord or intoto entry, signed entry timestamp),
/// so the verifier runs its real chain, SCT and SET checks on artifacts no public instance could give us on demand.
/// </summary>
public sealed class TestSigstoreInstance : IDisposable
{
    private static readonly DateTimeOffset Start = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _ctKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _rekorKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _ca;
    private readonly string _directory = Directory.CreateTempSubdirectory("gatehouse-sigstore-").FullName;
    private long _logIndex = 1000;

    public TestSigstoreInstance(string name = "test")
    {
        var request = new CertificateRequest($"CN={name}-fulcio, O=gatehouse.test", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        _ca = request.CreateSelfSigned(Start, Start.AddYears(30));
        TrustedRootPath = Path.Combine(_directory, "trusted_root.json");
        File.WriteAllText(TrustedRootPath, TrustedRootJson(name));
    }

    public string TrustedRootPath { get; }

    public byte[] RekorLogId => SHA256.HashData(_rekorKey.ExportSubjectPublicKeyInfo());

    /// <summary>A leaf for <paramref name="email"/> from <paramref name="issuer"/>, valid ten minutes from <paramref name="notBefore"/>.</summary>
    public TestLeaf IssueLeaf(string email, string issuer, DateTimeOffset notBefore)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var notAfter = notBefore.AddMinutes(10);
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var precertificate = LeafRequest(key, email, issuer).Create(_ca, notBefore, notAfter, serial);
        var sct = SignedCertificateTimestamp(TbsOf(precertificate.RawData), notBefore);
        var final = LeafRequest(key, email, issuer);
        final.CertificateExtensions.Add(new X509Extension("1.3.6.1.4.1.11129.2.4.2", sct, false));
        using var leaf = final.Create(_ca, notBefore, notAfter, serial);
        return new TestLeaf(key, leaf.RawData, PemEncoding.WriteString("CERTIFICATE", leaf.RawData), notBefore, notAfter);
    }

    /// <summary>cosign's annotations for a keyless simple-signing signature, logged at <paramref name="integratedTime"/>.</summary>
    public Dictionary<string, string> SignPayload(byte[] payload, TestLeaf leaf, DateTimeOffset integratedTime, TestSigstoreInstance? log = null)
    {
        var signature = leaf.Key.SignData(payload, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var body = new JsonObject
        {
            ["apiVersion"] = "0.0.1",
            ["kind"] = "hashedrekord",
            ["spec"] = new JsonObject
            {
                ["data"] = new JsonObject { ["hash"] = new JsonObject { ["algorithm"] = "sha256", ["value"] = Convert.ToHexStringLower(SHA256.HashData(payload)) } },
                ["signature"] = new JsonObject
                {
                    ["content"] = Convert.ToBase64String(signature),
                    ["publicKey"] = new JsonObject { ["content"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(leaf.Pem)) },
                },
            },
        };
        return new Dictionary<string, string>
        {
            [CosignFormats.SignatureAnnotation] = Convert.ToBase64String(signature),
            [CosignFormats.CertificateAnnotation] = leaf.Pem,
            [CosignFormats.ChainAnnotation] = PemEncoding.WriteString("CERTIFICATE", _ca.RawData),
            [CosignFormats.BundleAnnotation] = (log ?? this).RekorBundle(Encoding.UTF8.GetBytes(body.ToJsonString()), integratedTime),
        };
    }

    /// <summary>A keyless DSSE attestation (envelope bytes and cosign's annotations) with an intoto 0.0.2 log entry.</summary>
    public (byte[] Envelope, Dictionary<string, string> Annotations) Attest(byte[] statement, TestLeaf leaf, DateTimeOffset integratedTime)
    {
        var pae = DsseEnvelope.PreAuthenticationEncoding(CosignFormats.InTotoPayloadType, statement);
        var signature = leaf.Key.SignData(pae, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var envelope = new DsseEnvelope(CosignFormats.InTotoPayloadType, statement, [new DsseSignature("", signature)]);
        var body = new JsonObject
        {
            ["apiVersion"] = "0.0.2",
            ["kind"] = "intoto",
            ["spec"] = new JsonObject
            {
                ["content"] = new JsonObject
                {
                    ["envelope"] = new JsonObject
                    {
                        ["payloadType"] = CosignFormats.InTotoPayloadType,
                        ["signatures"] = new JsonArray(new JsonObject
                        {
                            ["publicKey"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(leaf.Pem)),
                            ["sig"] = Convert.ToBase64String(Encoding.ASCII.GetBytes(Convert.ToBase64String(signature))),
                        }),
                    },
                    ["payloadHash"] = new JsonObject { ["algorithm"] = "sha256", ["value"] = Convert.ToHexStringLower(SHA256.HashData(statement)) },
                },
            },
        };
        var annotations = new Dictionary<string, string>
        {
            [CosignFormats.SignatureAnnotation] = "",
            [CosignFormats.CertificateAnnotation] = leaf.Pem,
            [CosignFormats.BundleAnnotation] = RekorBundle(Encoding.UTF8.GetBytes(body.ToJsonString()), integratedTime),
        };
        return (envelope.ToJson(), annotations);
    }

    /// <summary>The legacy Rekor bundle: the SET over canonical JSON of body, integratedTime, logID (hex) and logIndex.</summary>
    private string RekorBundle(byte[] body, DateTimeOffset integratedTime)
    {
        var index = Interlocked.Increment(ref _logIndex);
        var time = integratedTime.ToUnixTimeSeconds();
        var logId = Convert.ToHexStringLower(RekorLogId);
        var canonical = string.Create(CultureInfo.InvariantCulture,
            $"{{\"body\":\"{Convert.ToBase64String(body)}\",\"integratedTime\":{time},\"logID\":\"{logId}\",\"logIndex\":{index}}}");
        var set = _rekorKey.SignData(Encoding.UTF8.GetBytes(canonical), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return new JsonObject
        {
            ["SignedEntryTimestamp"] = Convert.ToBase64String(set),
            ["Payload"] = new JsonObject { ["body"] = Convert.ToBase64String(body), ["integratedTime"] = time, ["logIndex"] = index, ["logID"] = logId },
        }.ToJsonString();
    }

    private static CertificateRequest LeafRequest(ECDsa key, string email, string issuer)
    {
        var request = new CertificateRequest(new X500DistinguishedName(""), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.3")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddEmailAddress(email);
        request.CertificateExtensions.Add(san.Build(critical: true));
        request.CertificateExtensions.Add(new X509Extension("1.3.6.1.4.1.57264.1.1", Encoding.UTF8.GetBytes(issuer), false));
        var utf8 = new AsnWriter(AsnEncodingRules.DER);
        utf8.WriteCharacterString(UniversalTagNumber.UTF8String, issuer);
        request.CertificateExtensions.Add(new X509Extension("1.3.6.1.4.1.57264.1.8", utf8.Encode(), false));
        return request;
    }

    private static byte[] TbsOf(byte[] certificate)
    {
        var outer = new AsnReader(certificate, AsnEncodingRules.DER).ReadSequence();
        return outer.ReadEncodedValue().ToArray();
    }

    /// <summary>RFC 6962 SCT list (one SCT) over the precertificate, as the extension value (an OCTET STRING).</summary>
    private byte[] SignedCertificateTimestamp(byte[] tbs, DateTimeOffset time)
    {
        var timestamp = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(timestamp, (ulong)time.ToUnixTimeMilliseconds());
        var issuerKeyHash = SHA256.HashData(_ca.PublicKey.ExportSubjectPublicKeyInfo());
        byte[] signed = [0, 0, .. timestamp, 0, 1, .. issuerKeyHash, (byte)(tbs.Length >> 16), (byte)(tbs.Length >> 8), (byte)tbs.Length, .. tbs, 0, 0];
        var signature = _ctKey.SignData(signed, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var logId = SHA256.HashData(_ctKey.ExportSubjectPublicKeyInfo());
        byte[] sct = [0, .. logId, .. timestamp, 0, 0, 4, 3, (byte)(signature.Length >> 8), (byte)signature.Length, .. signature];
        byte[] list = [(byte)((sct.Length + 2) >> 8), (byte)(sct.Length + 2), (byte)(sct.Length >> 8), (byte)sct.Length, .. sct];
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteOctetString(list);
        return writer.Encode();
    }

    private string TrustedRootJson(string name)
    {
        JsonObject Log(string url, ECDsa key) => new()
        {
            ["baseUrl"] = url,
            ["hashAlgorithm"] = "SHA2_256",
            ["publicKey"] = new JsonObject
            {
                ["rawBytes"] = Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()),
                ["keyDetails"] = "PKIX_ECDSA_P256_SHA_256",
                ["validFor"] = new JsonObject { ["start"] = "2020-01-01T00:00:00Z" },
            },
            ["logId"] = new JsonObject { ["keyId"] = Convert.ToBase64String(SHA256.HashData(key.ExportSubjectPublicKeyInfo())) },
        };

        return new JsonObject
        {
            ["mediaType"] = "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
            ["tlogs"] = new JsonArray(Log($"https://rekor.{name}.test", _rekorKey)),
            ["certificateAuthorities"] = new JsonArray(new JsonObject
            {
                ["subject"] = new JsonObject { ["organization"] = "gatehouse.test", ["commonName"] = $"{name}-fulcio" },
                ["uri"] = $"https://fulcio.{name}.test",
                ["certChain"] = new JsonObject { ["certificates"] = new JsonArray(new JsonObject { ["rawBytes"] = Convert.ToBase64String(_ca.RawData) }) },
                ["validFor"] = new JsonObject { ["start"] = "2020-01-01T00:00:00Z" },
            }),
            ["ctlogs"] = new JsonArray(Log($"https://ctfe.{name}.test", _ctKey)),
            ["timestampAuthorities"] = new JsonArray(),
        }.ToJsonString();
    }

    public void Dispose()
    {
        _ca.Dispose();
        _caKey.Dispose();
        _ctKey.Dispose();
        _rekorKey.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
