using System.Diagnostics.CodeAnalysis;
using System.Formats.Asn1;
using System.Security.Cryptography;
using Gatehouse.Sigstore.Crypto;

namespace Gatehouse.Sigstore.Asn1;

/// <summary>One X.509 extension: OID, criticality, the extnValue contents and the whole encoded Extension.</summary>
internal sealed record CertificateExtension(string Oid, bool Critical, ReadOnlyMemory<byte> Value, ReadOnlyMemory<byte> Encoded);

/// <summary>
/// A DER X.509 certificate parsed with System.Formats.Asn1. Keeps the raw pieces needed for Sigstore
/// (TBS bytes, names, SPKI, extensions) so that signature checks and SCT reconstruction need no re-encoding.
/// </summary>
internal sealed class ParsedCertificate
{
    private static readonly Asn1Tag ExtensionsTag = new(TagClass.ContextSpecific, 3, isConstructed: true);
    private VerificationKey? publicKey;

    private ParsedCertificate()
    {
    }

    public required ReadOnlyMemory<byte> Der { get; init; }

    public required ReadOnlyMemory<byte> TbsDer { get; init; }

    /// <summary>Encoded TBS elements before the extensions (version .. subjectPublicKeyInfo, unique IDs).</summary>
    public required IReadOnlyList<ReadOnlyMemory<byte>> TbsElementsBeforeExtensions { get; init; }

    public required string SignatureAlgorithmOid { get; init; }

    public required ReadOnlyMemory<byte>? SignatureAlgorithmParameters { get; init; }

    public required byte[] Signature { get; init; }

    public required ReadOnlyMemory<byte> SerialNumber { get; init; }

    public required ReadOnlyMemory<byte> IssuerName { get; init; }

    public required ReadOnlyMemory<byte> SubjectName { get; init; }

    public required DateTimeOffset NotBefore { get; init; }

    public required DateTimeOffset NotAfter { get; init; }

    public required ReadOnlyMemory<byte> SubjectPublicKeyInfo { get; init; }

    public required IReadOnlyList<CertificateExtension> Extensions { get; init; }

    public static bool TryParse(ReadOnlyMemory<byte> der, [NotNullWhen(true)] out ParsedCertificate? certificate, out string error)
    {
        certificate = null;
        try
        {
            certificate = Parse(der);
            error = string.Empty;
            return true;
        }
        catch (AsnContentException e)
        {
            error = $"malformed certificate: {e.Message}";
            return false;
        }
    }

    public bool IsValidAt(DateTimeOffset time) => time >= NotBefore && time <= NotAfter;

    public CertificateExtension? FindExtension(string oid)
    {
        foreach (var extension in Extensions)
        {
            if (extension.Oid == oid)
            {
                return extension;
            }
        }

        return null;
    }

    /// <summary>The certificate's key, parsed on first use.</summary>
    public bool TryGetPublicKey([NotNullWhen(true)] out VerificationKey? key)
    {
        if (publicKey is null && VerificationKey.TryFromSubjectPublicKeyInfo(SubjectPublicKeyInfo.Span, out var parsed, out _))
        {
            publicKey = parsed;
        }

        key = publicKey;
        return key is not null;
    }

    /// <summary>Frees the parsed key of a per-call certificate (a bundle's leaf) instead of leaving it to the finalizer.</summary>
    public void ReleasePublicKey()
    {
        publicKey?.Dispose();
        publicKey = null;
    }

    /// <summary>True when <paramref name="issuer"/>'s key produced this certificate's signature.</summary>
    public bool IsSignedBy(ParsedCertificate issuer)
    {
        if (!IssuerName.Span.SequenceEqual(issuer.SubjectName.Span) ||
            !SignatureScheme.TryFromAlgorithmIdentifier(SignatureAlgorithmOid, SignatureAlgorithmParameters, out var scheme) ||
            !issuer.TryGetPublicKey(out var key))
        {
            return false;
        }

        return key.VerifyData(TbsDer.Span, Signature, scheme);
    }

    /// <summary>DER of the TBSCertificate with one extension removed (RFC 6962 precertificate reconstruction).</summary>
    public byte[] EncodeTbsWithoutExtension(string oid)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            foreach (var element in TbsElementsBeforeExtensions)
            {
                writer.WriteEncodedValue(element.Span);
            }

            using (writer.PushSequence(ExtensionsTag))
            using (writer.PushSequence())
            {
                foreach (var extension in Extensions)
                {
                    if (extension.Oid != oid)
                    {
                        writer.WriteEncodedValue(extension.Encoded.Span);
                    }
                }
            }
        }

        return writer.Encode();
    }

    public string Fingerprint() => Convert.ToHexStringLower(SHA256.HashData(Der.Span));

    private static ParsedCertificate Parse(ReadOnlyMemory<byte> der)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER);
        var certificate = outer.ReadSequence();
        outer.ThrowIfNotEmpty();

        var tbsDer = certificate.ReadEncodedValue();
        var signatureAlgorithm = certificate.ReadSequence();
        var signatureOid = signatureAlgorithm.ReadObjectIdentifier();
        ReadOnlyMemory<byte>? signatureParameters = signatureAlgorithm.HasData ? signatureAlgorithm.ReadEncodedValue() : null;
        var signature = certificate.ReadBitString(out _);
        certificate.ThrowIfNotEmpty();

        var tbs = new AsnReader(tbsDer, AsnEncodingRules.DER).ReadSequence();
        var before = new List<ReadOnlyMemory<byte>>();
        if (tbs.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
        {
            before.Add(tbs.ReadEncodedValue());
        }

        var serialEncoded = tbs.ReadEncodedValue();
        before.Add(serialEncoded);
        var serial = new AsnReader(serialEncoded, AsnEncodingRules.DER).ReadIntegerBytes();
        before.Add(tbs.ReadEncodedValue());
        var issuer = tbs.ReadEncodedValue();
        before.Add(issuer);
        var validityEncoded = tbs.ReadEncodedValue();
        before.Add(validityEncoded);
        var validity = new AsnReader(validityEncoded, AsnEncodingRules.DER).ReadSequence();
        var notBefore = ReadTime(validity);
        var notAfter = ReadTime(validity);
        var subject = tbs.ReadEncodedValue();
        before.Add(subject);
        var spki = tbs.ReadEncodedValue();
        before.Add(spki);

        var extensions = new List<CertificateExtension>();
        while (tbs.HasData)
        {
            var tag = tbs.PeekTag();
            if (tag.HasSameClassAndValue(ExtensionsTag))
            {
                var list = tbs.ReadSequence(ExtensionsTag).ReadSequence();
                while (list.HasData)
                {
                    var encoded = list.ReadEncodedValue();
                    var extension = new AsnReader(encoded, AsnEncodingRules.DER).ReadSequence();
                    var oid = extension.ReadObjectIdentifier();
                    var critical = extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean) && extension.ReadBoolean();
                    var value = extension.ReadOctetString();
                    extension.ThrowIfNotEmpty();
                    extensions.Add(new CertificateExtension(oid, critical, value, encoded));
                }
            }
            else
            {
                before.Add(tbs.ReadEncodedValue());
            }
        }

        return new ParsedCertificate
        {
            Der = der,
            TbsDer = tbsDer,
            TbsElementsBeforeExtensions = before,
            SignatureAlgorithmOid = signatureOid,
            SignatureAlgorithmParameters = signatureParameters,
            Signature = signature,
            SerialNumber = serial,
            IssuerName = issuer,
            SubjectName = subject,
            NotBefore = notBefore,
            NotAfter = notAfter,
            SubjectPublicKeyInfo = spki,
            Extensions = extensions,
        };
    }

    private static DateTimeOffset ReadTime(AsnReader reader) =>
        reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime)
            ? reader.ReadUtcTime()
            : reader.ReadGeneralizedTime();
}
