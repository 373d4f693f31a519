using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using Gatehouse.Sigstore.Asn1;
using Gatehouse.Sigstore.Crypto;
using Gatehouse.Sigstore.Trust;

namespace Gatehouse.Sigstore;

/// <summary>
/// Parsed Sigstore trusted_root.json (Fulcio CAs, Rekor logs, CT logs, timestamp authorities). Parse once at
/// start-up and share: it is immutable and safe for concurrent verifications.
/// </summary>
public sealed class TrustedRoot
{
    private TrustedRoot(
        IReadOnlyList<TrustedLog> transparencyLogs,
        IReadOnlyList<TrustedLog> certificateTransparencyLogs,
        IReadOnlyList<TrustedCertificateAuthority> certificateAuthorities,
        IReadOnlyList<TrustedCertificateAuthority> timestampAuthorities)
    {
        TransparencyLogs = transparencyLogs;
        CertificateTransparencyLogs = certificateTransparencyLogs;
        CertificateAuthorities = certificateAuthorities;
        TimestampAuthorities = timestampAuthorities;
    }

    public int TransparencyLogCount => TransparencyLogs.Count;

    public int CertificateAuthorityCount => CertificateAuthorities.Count;

    public int TimestampAuthorityCount => TimestampAuthorities.Count;

    internal IReadOnlyList<TrustedLog> TransparencyLogs { get; }

    internal IReadOnlyList<TrustedLog> CertificateTransparencyLogs { get; }

    internal IReadOnlyList<TrustedCertificateAuthority> CertificateAuthorities { get; }

    internal IReadOnlyList<TrustedCertificateAuthority> TimestampAuthorities { get; }

    /// <exception cref="TrustedRootFormatException">The JSON is not a usable trusted root.</exception>
    public static TrustedRoot Parse(ReadOnlySpan<byte> utf8Json) =>
        TryParse(utf8Json, out var root, out var error) ? root : throw new TrustedRootFormatException(error);

    /// <exception cref="TrustedRootFormatException">The file is not a usable trusted root.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static TrustedRoot LoadFile(string path) => Parse(File.ReadAllBytes(path));

    public static bool TryParse(ReadOnlySpan<byte> utf8Json, [NotNullWhen(true)] out TrustedRoot? root, out string error)
    {
        root = null;
        try
        {
            using var document = JsonDocument.Parse(utf8Json.ToArray());
            root = Read(document.RootElement);
            error = string.Empty;
            return true;
        }
        catch (JsonException e)
        {
            error = $"trusted root is not valid JSON: {e.Message}";
        }
        catch (TrustedRootFormatException e)
        {
            error = e.Message;
        }

        return false;
    }

    internal TrustedLog? FindTransparencyLog(ReadOnlySpan<byte> logId) => FindLog(TransparencyLogs, logId);

    internal TrustedLog? FindCertificateTransparencyLog(ReadOnlySpan<byte> logId) => FindLog(CertificateTransparencyLogs, logId);

    private static TrustedLog? FindLog(IReadOnlyList<TrustedLog> logs, ReadOnlySpan<byte> logId)
    {
        foreach (var log in logs)
        {
            if (log.LogId.AsSpan().SequenceEqual(logId))
            {
                return log;
            }
        }

        return null;
    }

    private static TrustedRoot Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new TrustedRootFormatException("trusted root must be a JSON object");
        }

        if (root.TryGetProperty("mediaType", out var mediaType) &&
            !(mediaType.GetString() ?? string.Empty).StartsWith("application/vnd.dev.sigstore.trustedroot", StringComparison.Ordinal))
        {
            throw new TrustedRootFormatException($"unexpected trusted root media type '{mediaType}'");
        }

        var tlogs = ReadArray(root, "tlogs", ReadLog);
        var ctlogs = ReadArray(root, "ctlogs", ReadLog);
        var cas = ReadArray(root, "certificateAuthorities", ReadAuthority);
        var tsas = ReadArray(root, "timestampAuthorities", ReadAuthority);
        return new TrustedRoot(tlogs, ctlogs, cas, tsas);
    }

    private static List<T> ReadArray<T>(JsonElement root, string name, Func<JsonElement, string, T> read)
    {
        var items = new List<T>();
        if (!root.TryGetProperty(name, out var array) || array.ValueKind == JsonValueKind.Null)
        {
            return items;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new TrustedRootFormatException($"{name} must be an array");
        }

        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            items.Add(read(element, $"{name}[{index++}]"));
        }

        return items;
    }

    private static TrustedLog ReadLog(JsonElement log, string path)
    {
        var publicKey = Property(log, "publicKey", path);
        var logId = Base64(Property(Property(log, "logId", path), "keyId", path + ".logId"), path + ".logId.keyId");
        var validity = ReadWindow(publicKey, path + ".publicKey");
        var keyDetails = OptionalString(publicKey, "keyDetails");
        VerificationKey? key = null;
        var keyError = "no rawBytes";
        if (publicKey.TryGetProperty("rawBytes", out var raw) && raw.ValueKind == JsonValueKind.String)
        {
            VerificationKey.TryFromTrustedRootKey(Base64(raw, path + ".publicKey.rawBytes"), out key, out keyError);
        }

        return new TrustedLog
        {
            BaseUrl = OptionalString(log, "baseUrl") ?? string.Empty,
            LogId = logId,
            Key = key,
            KeyError = key is null ? keyError : null,
            Scheme = SignatureScheme.FromKeyDetails(keyDetails) ?? key?.DefaultScheme ?? SignatureScheme.EcdsaSha256,
            Validity = validity,
        };
    }

    private static TrustedCertificateAuthority ReadAuthority(JsonElement authority, string path)
    {
        var certificates = Property(Property(authority, "certChain", path), "certificates", path + ".certChain");
        if (certificates.ValueKind != JsonValueKind.Array || certificates.GetArrayLength() == 0)
        {
            throw new TrustedRootFormatException($"{path}.certChain.certificates must be a non-empty array");
        }

        var chain = new List<ParsedCertificate>();
        foreach (var entry in certificates.EnumerateArray())
        {
            var der = Base64(Property(entry, "rawBytes", path + ".certChain"), path + ".certChain.rawBytes");
            if (!ParsedCertificate.TryParse(der, out var certificate, out var error))
            {
                throw new TrustedRootFormatException($"{path}: {error}");
            }

            certificate.TryGetPublicKey(out _);
            chain.Add(certificate);
        }

        return new TrustedCertificateAuthority
        {
            Uri = OptionalString(authority, "uri") ?? string.Empty,
            Chain = chain,
            Validity = ReadWindow(authority, path),
            ChainError = CheckChain(chain),
        };
    }

    private static string CheckChain(List<ParsedCertificate> chain)
    {
        for (var i = 0; i + 1 < chain.Count; i++)
        {
            if (!chain[i].IsSignedBy(chain[i + 1]))
            {
                return $"certificate {i} is not signed by certificate {i + 1}";
            }

            try
            {
                if (!CertificateExtensionReader.IsCertificateAuthority(chain[i + 1]))
                {
                    return $"certificate {i + 1} is not a CA";
                }
            }
            catch (System.Formats.Asn1.AsnContentException)
            {
                return $"certificate {i + 1} has malformed basic constraints";
            }
        }

        return string.Empty;
    }

    private static TimeWindow ReadWindow(JsonElement owner, string path)
    {
        // A missing start is a malformed root, not an unbounded window (conformance: trust-root-tlog-missing-validity-start).
        if (!owner.TryGetProperty("validFor", out var validFor) || validFor.ValueKind != JsonValueKind.Object)
        {
            throw new TrustedRootFormatException($"{path}.validFor is required");
        }

        var start = OptionalString(validFor, "start")
            ?? throw new TrustedRootFormatException($"{path}.validFor.start is required");
        var end = OptionalString(validFor, "end");
        return new TimeWindow(Time(start, path + ".validFor.start"), end is null ? null : Time(end, path + ".validFor.end"));
    }

    private static DateTimeOffset Time(string text, string path) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw new TrustedRootFormatException($"{path} is not an RFC 3339 time: '{text}'");

    private static JsonElement Property(JsonElement owner, string name, string path) =>
        owner.ValueKind == JsonValueKind.Object && owner.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw new TrustedRootFormatException($"{path}.{name} is required");

    private static string? OptionalString(JsonElement owner, string name) =>
        owner.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static byte[] Base64(JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.String && value.TryGetBytesFromBase64(out var bytes))
        {
            return bytes;
        }

        throw new TrustedRootFormatException($"{path} must be base64");
    }
}
