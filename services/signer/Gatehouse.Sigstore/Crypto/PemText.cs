namespace Gatehouse.Sigstore.Crypto;

/// <summary>Minimal PEM decoding that never throws (inputs come from bundles and log entries).</summary>
internal static class PemText
{
    /// <summary>Decodes the first PEM block with the given label.</summary>
    public static bool TryDecode(ReadOnlySpan<char> text, string label, out byte[] der)
    {
        der = [];
        var begin = $"-----BEGIN {label}-----";
        var end = $"-----END {label}-----";
        var start = text.IndexOf(begin, StringComparison.Ordinal);
        if (start < 0)
        {
            return false;
        }

        var body = text[(start + begin.Length)..];
        var stop = body.IndexOf(end, StringComparison.Ordinal);
        if (stop < 0)
        {
            return false;
        }

        body = body[..stop];
        var buffer = new byte[body.Length];
        var compact = new char[body.Length];
        var length = 0;
        foreach (var c in body)
        {
            if (!char.IsWhiteSpace(c))
            {
                compact[length++] = c;
            }
        }

        if (length == 0 || !Convert.TryFromBase64Chars(compact.AsSpan(0, length), buffer, out var written))
        {
            return false;
        }

        der = buffer.AsSpan(0, written).ToArray();
        return true;
    }

    /// <summary>The label of the first PEM block, e.g. "CERTIFICATE" or "PUBLIC KEY".</summary>
    public static string? FirstLabel(ReadOnlySpan<char> text)
    {
        const string marker = "-----BEGIN ";
        var start = text.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        var rest = text[(start + marker.Length)..];
        var stop = rest.IndexOf("-----", StringComparison.Ordinal);
        return stop <= 0 ? null : rest[..stop].ToString();
    }
}
