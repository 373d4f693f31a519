using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gatehouse.Sigstore.Bundles;

namespace Gatehouse.Sigstore.Dsse;

/// <summary>DSSE pre-authentication encoding and in-toto statement subject matching.</summary>
internal static class DsseStatement
{
    public const string InTotoPayloadType = "application/vnd.in-toto+json";

    /// <summary>PAE(type, body) = "DSSEv1" SP len(type) SP type SP len(body) SP body, lengths in ASCII decimal bytes.</summary>
    public static byte[] PreAuthenticationEncoding(string payloadType, ReadOnlySpan<byte> payload)
    {
        var type = Encoding.UTF8.GetBytes(payloadType);
        var header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"DSSEv1 {type.Length} "));
        var middle = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $" {payload.Length} "));
        var result = new byte[header.Length + type.Length + middle.Length + payload.Length];
        header.CopyTo(result, 0);
        type.CopyTo(result, header.Length);
        middle.CopyTo(result, header.Length + type.Length);
        payload.CopyTo(result.AsSpan(header.Length + type.Length + middle.Length));
        return result;
    }

    /// <summary>Checks that the in-toto statement names the artifact among its subjects (by sha256, sha384 or sha512).</summary>
    public static void RequireSubject(DsseEnvelope envelope, ArtifactInput artifact)
    {
        if (envelope.PayloadType != InTotoPayloadType)
        {
            throw new VerificationException(VerificationFailureReason.DsseEnvelopeInvalid,
                $"DSSE payload type '{envelope.PayloadType}' is not an in-toto statement, so it cannot name the artifact");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(envelope.Payload);
        }
        catch (JsonException e)
        {
            throw new VerificationException(VerificationFailureReason.DsseEnvelopeInvalid, $"in-toto statement is not JSON: {e.Message}");
        }

        using (document)
        {
            var fields = new JsonFields(VerificationFailureReason.DsseEnvelopeInvalid, "in-toto statement");
            var statementType = fields.String(document.RootElement, "_type");
            if (statementType is not ("https://in-toto.io/Statement/v1" or "https://in-toto.io/Statement/v0.1"))
            {
                throw fields.Invalid($"unsupported statement type '{statementType}'");
            }

            foreach (var subject in fields.Array(document.RootElement, "subject").EnumerateArray())
            {
                var digests = fields.Object(subject, "digest");
                if (Matches(digests, "sha256", HashAlgorithmName.SHA256, artifact) ||
                    Matches(digests, "sha384", HashAlgorithmName.SHA384, artifact) ||
                    Matches(digests, "sha512", HashAlgorithmName.SHA512, artifact))
                {
                    return;
                }
            }
        }

        throw new VerificationException(VerificationFailureReason.ArtifactDigestMismatch,
            "no subject of the in-toto statement has the artifact's digest");
    }

    private static bool Matches(JsonElement digests, string name, HashAlgorithmName algorithm, ArtifactInput artifact)
    {
        if (!digests.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String ||
            artifact.GetDigest(algorithm) is not { } actual)
        {
            return false;
        }

        var hex = value.GetString()!;
        return hex.Length == actual.Length * 2 && string.Equals(hex, Convert.ToHexStringLower(actual), StringComparison.OrdinalIgnoreCase);
    }
}
