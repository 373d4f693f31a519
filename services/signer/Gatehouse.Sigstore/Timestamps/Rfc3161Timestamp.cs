using System.Formats.Asn1;
using System.Security.Cryptography;
using Gatehouse.Sigstore.Asn1;
using Gatehouse.Sigstore.Crypto;

namespace Gatehouse.Sigstore.Timestamps;

/// <summary>
/// An RFC 3161 timestamp token (CMS SignedData over a TSTInfo) with the pieces needed to check it: the
/// message imprint, genTime, the signer identifier, the DER signed attributes and the signature.
/// </summary>
internal sealed class Rfc3161Timestamp
{
    private const string SignedDataOid = "1.2.840.113549.1.7.2";
    private const string TstInfoOid = "1.2.840.113549.1.9.16.1.4";
    private const string ContentTypeAttributeOid = "1.2.840.113549.1.9.3";
    private const string MessageDigestAttributeOid = "1.2.840.113549.1.9.4";

    private static readonly Asn1Tag Context0 = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag Context1 = new(TagClass.ContextSpecific, 1, isConstructed: true);
    private static readonly Asn1Tag SubjectKeyIdentifierTag = new(TagClass.ContextSpecific, 0);

    private Rfc3161Timestamp()
    {
    }

    public required DateTimeOffset GenTime { get; init; }

    public required HashAlgorithmName ImprintAlgorithm { get; init; }

    public required byte[] ImprintDigest { get; init; }

    /// <summary>Issuer name (DER) and serial of the signing certificate, when the SID is issuerAndSerialNumber.</summary>
    public required (ReadOnlyMemory<byte> Issuer, ReadOnlyMemory<byte> Serial)? SignerIssuerAndSerial { get; init; }

    public required ReadOnlyMemory<byte>? SignerKeyIdentifier { get; init; }

    public required SignatureScheme? SignerScheme { get; init; }

    /// <summary>The signed attributes re-tagged as SET OF (the bytes the TSA signed).</summary>
    public required byte[] SignedAttributes { get; init; }

    public required byte[] Signature { get; init; }

    public required IReadOnlyList<ParsedCertificate> EmbeddedCertificates { get; init; }

    /// <summary>
    /// Parses a TimeStampResp (status + token) or a bare TimeStampToken; malformed input is TimestampInvalid.
    /// Read as BER without SET OF sort checks: real TSAs emit unsorted certificate sets, and signatures cover the bytes as sent.
    /// </summary>
    public static Rfc3161Timestamp Parse(ReadOnlyMemory<byte> der)
    {
        try
        {
            return ParseToken(UnwrapResponse(der));
        }
        catch (AsnContentException e)
        {
            throw Invalid($"malformed RFC 3161 timestamp: {e.Message}");
        }
    }

    /// <summary>True when <paramref name="certificate"/> is the one the signer identifier names.</summary>
    public bool IsSignedBy(ParsedCertificate certificate)
    {
        if (SignerIssuerAndSerial is { } sid)
        {
            return sid.Issuer.Span.SequenceEqual(certificate.IssuerName.Span) &&
                sid.Serial.Span.SequenceEqual(certificate.SerialNumber.Span);
        }

        return SignerKeyIdentifier is { } keyId &&
            CertificateExtensionReader.ReadSubjectKeyIdentifier(certificate) is { } ski &&
            ski.Span.SequenceEqual(keyId.Span);
    }

    private static ReadOnlyMemory<byte> UnwrapResponse(ReadOnlyMemory<byte> der)
    {
        var reader = new AsnReader(der, AsnEncodingRules.BER);
        var outer = reader.ReadSequence();
        reader.ThrowIfNotEmpty();
        if (outer.PeekTag().HasSameClassAndValue(Asn1Tag.ObjectIdentifier))
        {
            return der;
        }

        // TimeStampResp: PKIStatusInfo then the token; only granted (0) and grantedWithMods (1) carry one.
        var status = outer.ReadSequence();
        if (!status.TryReadInt32(out var code) || code is not (0 or 1))
        {
            throw Invalid("timestamp response status is not 'granted'");
        }

        if (!outer.HasData)
        {
            throw Invalid("timestamp response carries no token");
        }

        return outer.ReadEncodedValue();
    }

    private static Rfc3161Timestamp ParseToken(ReadOnlyMemory<byte> token)
    {
        var contentInfo = new AsnReader(token, AsnEncodingRules.BER).ReadSequence();
        if (contentInfo.ReadObjectIdentifier() != SignedDataOid)
        {
            throw Invalid("timestamp token is not CMS SignedData");
        }

        var signedData = contentInfo.ReadSequence(Context0).ReadSequence();
        signedData.ReadInteger();
        signedData.ReadSetOf();
        var encapsulated = signedData.ReadSequence();
        if (encapsulated.ReadObjectIdentifier() != TstInfoOid)
        {
            throw Invalid("timestamp token does not encapsulate a TSTInfo");
        }

        var tstInfo = encapsulated.ReadSequence(Context0).ReadOctetString();
        var certificates = new List<ParsedCertificate>();
        if (signedData.PeekTag().HasSameClassAndValue(Context0))
        {
            var set = signedData.ReadSetOf(Context0);
            while (set.HasData)
            {
                var encoded = set.ReadEncodedValue();
                if (ParsedCertificate.TryParse(encoded.ToArray(), out var certificate, out _))
                {
                    certificates.Add(certificate);
                }
            }
        }

        if (signedData.PeekTag().HasSameClassAndValue(Context1))
        {
            signedData.ReadEncodedValue();
        }

        var signerInfos = signedData.ReadSetOf();
        var signerInfo = signerInfos.ReadSequence();
        if (signerInfos.HasData)
        {
            throw Invalid("timestamp token must have exactly one signer");
        }

        return ReadSignerInfo(signerInfo, tstInfo, certificates);
    }

    private static Rfc3161Timestamp ReadSignerInfo(AsnReader signerInfo, byte[] tstInfo, List<ParsedCertificate> certificates)
    {
        signerInfo.ReadInteger();
        (ReadOnlyMemory<byte>, ReadOnlyMemory<byte>)? issuerAndSerial = null;
        ReadOnlyMemory<byte>? keyIdentifier = null;
        if (signerInfo.PeekTag().HasSameClassAndValue(SubjectKeyIdentifierTag))
        {
            keyIdentifier = signerInfo.ReadOctetString(SubjectKeyIdentifierTag);
        }
        else
        {
            var sid = signerInfo.ReadSequence();
            issuerAndSerial = (sid.ReadEncodedValue(), sid.ReadIntegerBytes());
        }

        var digestAlgorithm = ReadHashAlgorithm(signerInfo.ReadSequence());
        if (!signerInfo.PeekTag().HasSameClassAndValue(Context0))
        {
            throw Invalid("timestamp signer has no signed attributes");
        }

        var signedAttributes = signerInfo.ReadEncodedValue().ToArray();
        var signatureAlgorithm = signerInfo.ReadSequence();
        var signatureOid = signatureAlgorithm.ReadObjectIdentifier();
        ReadOnlyMemory<byte>? parameters = signatureAlgorithm.HasData ? signatureAlgorithm.ReadEncodedValue() : null;
        var signature = signerInfo.ReadOctetString();

        RequireAttributes(signedAttributes, digestAlgorithm, tstInfo);
        var (genTime, imprintAlgorithm, imprint) = ReadTstInfo(tstInfo);

        // The signed bytes are the attributes encoded as a universal SET OF, not with the [0] IMPLICIT tag.
        signedAttributes[0] = 0x31;
        return new Rfc3161Timestamp
        {
            GenTime = genTime,
            ImprintAlgorithm = imprintAlgorithm,
            ImprintDigest = imprint,
            SignerIssuerAndSerial = issuerAndSerial,
            SignerKeyIdentifier = keyIdentifier,
            SignerScheme = SchemeFor(signatureOid, parameters, digestAlgorithm),
            SignedAttributes = signedAttributes,
            Signature = signature,
            EmbeddedCertificates = certificates,
        };
    }

    private static void RequireAttributes(byte[] signedAttributes, HashAlgorithmName digestAlgorithm, byte[] tstInfo)
    {
        var attributes = new AsnReader(signedAttributes, AsnEncodingRules.BER).ReadSetOf(Context0);
        string? contentType = null;
        byte[]? messageDigest = null;
        while (attributes.HasData)
        {
            var attribute = attributes.ReadSequence();
            var oid = attribute.ReadObjectIdentifier();
            var values = attribute.ReadSetOf();
            if (oid == ContentTypeAttributeOid)
            {
                contentType = values.ReadObjectIdentifier();
            }
            else if (oid == MessageDigestAttributeOid)
            {
                messageDigest = values.ReadOctetString();
            }
        }

        if (contentType != TstInfoOid)
        {
            throw Invalid("timestamp signed attributes do not declare TSTInfo content");
        }

        if (messageDigest is null || !messageDigest.AsSpan().SequenceEqual(SignatureScheme.ComputeHash(digestAlgorithm, tstInfo)))
        {
            throw Invalid("timestamp message-digest attribute does not match the TSTInfo");
        }
    }

    private static (DateTimeOffset GenTime, HashAlgorithmName Algorithm, byte[] Imprint) ReadTstInfo(byte[] tstInfo)
    {
        var info = new AsnReader(tstInfo, AsnEncodingRules.BER).ReadSequence();
        info.ReadInteger();
        info.ReadObjectIdentifier();
        var messageImprint = info.ReadSequence();
        var algorithm = ReadHashAlgorithm(messageImprint.ReadSequence());
        var imprint = messageImprint.ReadOctetString();
        info.ReadInteger();
        var genTime = info.ReadGeneralizedTime();
        return (genTime, algorithm, imprint);
    }

    private static HashAlgorithmName ReadHashAlgorithm(AsnReader algorithmIdentifier) =>
        SignatureScheme.TryHashFromOid(algorithmIdentifier.ReadObjectIdentifier(), out var hash)
            ? hash
            : throw Invalid("timestamp uses an unsupported digest algorithm");

    /// <summary>CMS may name just the key type (id-ecPublicKey, rsaEncryption); the digest then comes from digestAlgorithm.</summary>
    private static SignatureScheme? SchemeFor(string oid, ReadOnlyMemory<byte>? parameters, HashAlgorithmName digest) => oid switch
    {
        "1.2.840.10045.2.1" => new SignatureScheme(KeyAlgorithm.Ecdsa, digest),
        "1.2.840.113549.1.1.1" => new SignatureScheme(KeyAlgorithm.Rsa, digest),
        _ => SignatureScheme.TryFromAlgorithmIdentifier(oid, parameters, out var scheme) ? scheme : null,
    };

    private static VerificationException Invalid(string message) => new(VerificationFailureReason.TimestampInvalid, message);
}
