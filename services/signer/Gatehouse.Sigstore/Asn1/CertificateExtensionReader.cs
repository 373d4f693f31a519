using System.Formats.Asn1;
using System.Text;

namespace Gatehouse.Sigstore.Asn1;

/// <summary>Decoders for the standard and Fulcio extensions that verification looks at. Malformed values throw AsnContentException.</summary>
internal static class CertificateExtensionReader
{
    public const string SubjectAltNameOid = "2.5.29.17";
    public const string ExtendedKeyUsageOid = "2.5.29.37";
    public const string KeyUsageOid = "2.5.29.15";
    public const string BasicConstraintsOid = "2.5.29.19";
    public const string SubjectKeyIdentifierOid = "2.5.29.14";
    public const string SctListOid = "1.3.6.1.4.1.11129.2.4.2";
    public const string CodeSigningEku = "1.3.6.1.5.5.7.3.3";
    public const string TimeStampingEku = "1.3.6.1.5.5.7.3.8";

    private static readonly Asn1Tag OtherNameTag = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag Rfc822NameTag = new(TagClass.ContextSpecific, 1);
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);

    /// <summary>SAN values: email (rfc822Name), URI, and Fulcio username otherName (1.3.6.1.4.1.57264.1.7).</summary>
    public static List<string> ReadSubjectAlternativeNames(ParsedCertificate certificate)
    {
        var names = new List<string>();
        var extension = certificate.FindExtension(SubjectAltNameOid);
        if (extension is null)
        {
            return names;
        }

        var sequence = new AsnReader(extension.Value, AsnEncodingRules.DER).ReadSequence();
        while (sequence.HasData)
        {
            var tag = sequence.PeekTag();
            if (tag.HasSameClassAndValue(Rfc822NameTag))
            {
                names.Add(sequence.ReadCharacterString(UniversalTagNumber.IA5String, Rfc822NameTag));
            }
            else if (tag.HasSameClassAndValue(UriTag))
            {
                names.Add(sequence.ReadCharacterString(UniversalTagNumber.IA5String, UriTag));
            }
            else if (tag.HasSameClassAndValue(OtherNameTag))
            {
                var otherName = sequence.ReadSequence(OtherNameTag);
                var typeId = otherName.ReadObjectIdentifier();
                var value = otherName.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
                if (typeId == FulcioExtensionOids.OtherNameSan)
                {
                    names.Add(value.ReadCharacterString(UniversalTagNumber.UTF8String));
                }
            }
            else
            {
                sequence.ReadEncodedValue();
            }
        }

        return names;
    }

    public static bool HasExtendedKeyUsage(ParsedCertificate certificate, string usageOid)
    {
        var extension = certificate.FindExtension(ExtendedKeyUsageOid);
        if (extension is null)
        {
            return false;
        }

        var sequence = new AsnReader(extension.Value, AsnEncodingRules.DER).ReadSequence();
        while (sequence.HasData)
        {
            if (sequence.ReadObjectIdentifier() == usageOid)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>KeyUsage bits; null when the extension is absent.</summary>
    public static X509KeyUsageBits? ReadKeyUsage(ParsedCertificate certificate)
    {
        var extension = certificate.FindExtension(KeyUsageOid);
        return extension is null
            ? null
            : new AsnReader(extension.Value, AsnEncodingRules.DER).ReadNamedBitListValue<X509KeyUsageBits>();
    }

    public static bool IsCertificateAuthority(ParsedCertificate certificate)
    {
        var extension = certificate.FindExtension(BasicConstraintsOid);
        if (extension is null)
        {
            return false;
        }

        var sequence = new AsnReader(extension.Value, AsnEncodingRules.DER).ReadSequence();
        return sequence.HasData && sequence.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean) && sequence.ReadBoolean();
    }

    public static ReadOnlyMemory<byte>? ReadSubjectKeyIdentifier(ParsedCertificate certificate)
    {
        var extension = certificate.FindExtension(SubjectKeyIdentifierOid);
        return extension is null ? null : new AsnReader(extension.Value, AsnEncodingRules.DER).ReadOctetString();
    }

    /// <summary>All 1.3.6.1.4.1.57264.1.* extensions as text: .1-.6 are raw UTF-8, later ones DER UTF8String.</summary>
    public static Dictionary<string, string> ReadFulcioExtensions(ParsedCertificate certificate)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var extension in certificate.Extensions)
        {
            if (!extension.Oid.StartsWith(FulcioExtensionOids.Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            values[extension.Oid] = FulcioExtensionOids.IsRawStringExtension(extension.Oid)
                ? Encoding.UTF8.GetString(extension.Value.Span)
                : ReadDerString(extension.Value);
        }

        return values;
    }

    private static string ReadDerString(ReadOnlyMemory<byte> value)
    {
        try
        {
            var reader = new AsnReader(value, AsnEncodingRules.DER);
            var text = reader.ReadCharacterString(UniversalTagNumber.UTF8String);
            reader.ThrowIfNotEmpty();
            return text;
        }
        catch (AsnContentException)
        {
            // Not a UTF8String (older or non-Fulcio issuers): expose the raw bytes as text rather than fail.
            return Encoding.UTF8.GetString(value.Span);
        }
    }
}

/// <summary>RFC 5280 KeyUsage bits in named-bit-list order.</summary>
[Flags]
internal enum X509KeyUsageBits
{
    None = 0,
    DigitalSignature = 1 << 0,
    NonRepudiation = 1 << 1,
    KeyEncipherment = 1 << 2,
    DataEncipherment = 1 << 3,
    KeyAgreement = 1 << 4,
    KeyCertSign = 1 << 5,
    CrlSign = 1 << 6,
    EncipherOnly = 1 << 7,
    DecipherOnly = 1 << 8,
}
