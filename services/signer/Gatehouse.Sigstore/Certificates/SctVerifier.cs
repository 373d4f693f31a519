using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Security.Cryptography;
using Gatehouse.Sigstore.Asn1;
using Gatehouse.Sigstore.Crypto;

namespace Gatehouse.Sigstore.Certificates;

/// <summary>
/// Verifies the SCTs embedded in a Fulcio certificate (RFC 6962 section 3.2): each SCT signs the precertificate,
/// which is rebuilt as the leaf TBS without the SCT-list extension plus the issuer key hash. At least one SCT must
/// come from a CT log in the trusted root and verify; an SCT from a trusted log that fails is a hard failure.
/// </summary>
internal static class SctVerifier
{
    private const byte SctVersionV1 = 0;
    private const ushort PrecertEntryType = 1;

    public static void Verify(ParsedCertificate leaf, ParsedCertificate issuer, TrustedRoot root)
    {
        var extension = leaf.FindExtension(CertificateExtensionReader.SctListOid) ?? throw Invalid(
            "the signing certificate has no embedded signed certificate timestamps");

        byte[] list;
        try
        {
            list = new AsnReader(extension.Value, AsnEncodingRules.DER).ReadOctetString();
        }
        catch (AsnContentException e)
        {
            throw Invalid($"the SCT list extension is malformed: {e.Message}");
        }

        var precertificate = leaf.EncodeTbsWithoutExtension(CertificateExtensionReader.SctListOid);
        var issuerKeyHash = SHA256.HashData(issuer.SubjectPublicKeyInfo.Span);
        var verified = 0;
        foreach (var sct in ReadList(list))
        {
            if (VerifyOne(sct, precertificate, issuerKeyHash, root))
            {
                verified++;
            }
        }

        if (verified == 0)
        {
            throw Invalid("no embedded SCT comes from a certificate transparency log in the trusted root");
        }
    }

    private static bool VerifyOne(ReadOnlyMemory<byte> sct, byte[] precertificate, byte[] issuerKeyHash, TrustedRoot root)
    {
        // SCT: version(1) logID(32) timestamp(8) extensions(u16 + n) hashAlg(1) sigAlg(1) signature(u16 + n).
        var span = sct.Span;
        if (span.Length < 47 || span[0] != SctVersionV1)
        {
            throw Invalid("embedded SCT is truncated or not version 1");
        }

        var log = root.FindCertificateTransparencyLog(span.Slice(1, 32));
        if (log is null)
        {
            return false;
        }

        var timestamp = BinaryPrimitives.ReadUInt64BigEndian(span.Slice(33, 8));
        var extensionsLength = BinaryPrimitives.ReadUInt16BigEndian(span.Slice(41, 2));
        var offset = 43 + extensionsLength;
        if (span.Length < offset + 4)
        {
            throw Invalid("embedded SCT is truncated");
        }

        var extensions = span.Slice(43, extensionsLength);
        var scheme = SchemeFor(span[offset], span[offset + 1]);
        var signatureLength = BinaryPrimitives.ReadUInt16BigEndian(span.Slice(offset + 2, 2));
        if (span.Length != offset + 4 + signatureLength)
        {
            throw Invalid("embedded SCT has a bad signature length");
        }

        var signature = span.Slice(offset + 4, signatureLength);
        var signedData = SignedData(span.Slice(33, 8), issuerKeyHash, precertificate, extensions);
        if (scheme is null || log.Key is null || !log.Key.VerifyData(signedData, signature, scheme.Value))
        {
            throw Invalid($"the embedded SCT from {log.BaseUrl} does not verify with that log's key");
        }

        var time = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Min(timestamp, long.MaxValue / 2));
        if (!log.Validity.Contains(time))
        {
            throw Invalid($"the embedded SCT time {time:O} is outside the validity {log.Validity} of {log.BaseUrl}");
        }

        return true;
    }

    /// <summary>digitally-signed struct: version, signature_type, timestamp, entry_type, issuer_key_hash, tbs (u24), extensions (u16).</summary>
    private static byte[] SignedData(ReadOnlySpan<byte> timestamp, byte[] issuerKeyHash, byte[] tbs, ReadOnlySpan<byte> extensions)
    {
        var data = new byte[1 + 1 + 8 + 2 + 32 + 3 + tbs.Length + 2 + extensions.Length];
        var position = 2;
        timestamp.CopyTo(data.AsSpan(position));
        position += 8;
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(position), PrecertEntryType);
        position += 2;
        issuerKeyHash.CopyTo(data, position);
        position += 32;
        data[position] = (byte)(tbs.Length >> 16);
        data[position + 1] = (byte)(tbs.Length >> 8);
        data[position + 2] = (byte)tbs.Length;
        position += 3;
        tbs.CopyTo(data, position);
        position += tbs.Length;
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(position), (ushort)extensions.Length);
        extensions.CopyTo(data.AsSpan(position + 2));
        return data;
    }

    private static List<ReadOnlyMemory<byte>> ReadList(byte[] list)
    {
        if (list.Length < 2 || BinaryPrimitives.ReadUInt16BigEndian(list) != list.Length - 2)
        {
            throw Invalid("the SCT list has a bad length");
        }

        var items = new List<ReadOnlyMemory<byte>>();
        var position = 2;
        while (position < list.Length)
        {
            if (position + 2 > list.Length)
            {
                throw Invalid("the SCT list is truncated");
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(list.AsSpan(position));
            position += 2;
            if (position + length > list.Length)
            {
                throw Invalid("the SCT list is truncated");
            }

            items.Add(list.AsMemory(position, length));
            position += length;
        }

        return items;
    }

    private static SignatureScheme? SchemeFor(byte hashAlgorithm, byte signatureAlgorithm)
    {
        HashAlgorithmName hash = hashAlgorithm switch
        {
            4 => HashAlgorithmName.SHA256,
            5 => HashAlgorithmName.SHA384,
            6 => HashAlgorithmName.SHA512,
            _ => default,
        };
        return hash == default ? null : signatureAlgorithm switch
        {
            1 => new SignatureScheme(KeyAlgorithm.Rsa, hash),
            3 => new SignatureScheme(KeyAlgorithm.Ecdsa, hash),
            _ => null,
        };
    }

    private static VerificationException Invalid(string message) =>
        new(VerificationFailureReason.SignedCertificateTimestampInvalid, message);
}
