using System.Diagnostics.CodeAnalysis;

namespace Gatehouse.Scanner.Versioning;

// Offsets into the version text (no allocation): epoch, upstream and optional revision.
internal readonly record struct DpkgParts(int Epoch, int UpstreamStart, int UpstreamLength, int RevisionStart, int RevisionLength, string? Warning)
{
    public bool HasRevision => RevisionStart >= 0;

    public ReadOnlySpan<char> Upstream(ReadOnlySpan<char> text) => text.Slice(UpstreamStart, UpstreamLength);

    public ReadOnlySpan<char> Revision(ReadOnlySpan<char> text) =>
        HasRevision ? text.Slice(RevisionStart, RevisionLength) : [];
}

// dpkg's parseversion (lib/dpkg/parsehelp.c) and verrevcmp (lib/dpkg/version.c), on spans.
internal static class DpkgSyntax
{
    private const string UpstreamPunctuation = ".-+~:";
    private const string RevisionPunctuation = ".+~";

    public static bool TryParse(ReadOnlySpan<char> text, DpkgParseMode mode, out DpkgParts parts, [NotNullWhen(false)] out string? error)
    {
        parts = default;
        foreach (char c in text)
        {
            // dpkg compares bytes with a signed-char order; outside printable ASCII that order is
            // platform-dependent, so such versions are refused rather than guessed.
            if (c != '\t' && (c < ' ' || c > '~'))
            {
                error = "contains a control or non-ASCII character";
                return false;
            }
        }

        int start = 0;
        int end = text.Length;
        while (start < end && IsBlank(text[start]))
        {
            start++;
        }

        while (end > start && IsBlank(text[end - 1]))
        {
            end--;
        }

        if (start == end)
        {
            error = "version string is empty";
            return false;
        }

        if (text[start..end].IndexOfAny(' ', '\t') >= 0)
        {
            error = "version string has embedded spaces";
            return false;
        }

        int epoch = 0;
        int colon = text[start..end].IndexOf(':');
        if (colon >= 0)
        {
            colon += start;
            if (!TryParseEpoch(text[start..colon], out epoch, out error))
            {
                return false;
            }

            if (colon + 1 == end)
            {
                error = "nothing after colon in version number";
                return false;
            }

            start = colon + 1;
        }

        int upstreamEnd = end;
        int revisionStart = -1;
        int hyphen = text[start..end].LastIndexOf('-');
        if (hyphen >= 0)
        {
            upstreamEnd = start + hyphen;
            revisionStart = upstreamEnd + 1;
            if (revisionStart == end && mode != DpkgParseMode.Lenient)
            {
                error = "revision number is empty";
                return false;
            }
        }

        if (upstreamEnd == start && mode != DpkgParseMode.Lenient)
        {
            error = "upstream version is empty";
            return false;
        }

        int revisionLength = revisionStart < 0 ? 0 : end - revisionStart;
        string? warning = FindWarning(text[start..upstreamEnd], revisionStart < 0 ? [] : text.Slice(revisionStart, revisionLength));
        if (warning is not null && mode == DpkgParseMode.Strict)
        {
            error = warning + " (dpkg only warns about this; strict syntax rejects it)";
            return false;
        }

        parts = new DpkgParts(epoch, start, upstreamEnd - start, revisionStart, revisionLength, warning);
        error = null;
        return true;
    }

    public static int Compare(ReadOnlySpan<char> a, in DpkgParts pa, ReadOnlySpan<char> b, in DpkgParts pb)
    {
        if (pa.Epoch != pb.Epoch)
        {
            return pa.Epoch < pb.Epoch ? -1 : 1;
        }

        int upstream = VerRevCmp(pa.Upstream(a), pb.Upstream(b));
        return upstream != 0 ? upstream : VerRevCmp(pa.Revision(a), pb.Revision(b));
    }

    // Alternating non-digit and digit runs; non-digits by Order, digits numerically (any length).
    public static int VerRevCmp(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        int i = 0;
        int j = 0;
        while (i < a.Length || j < b.Length)
        {
            while ((i < a.Length && !VersionText.IsAsciiDigit(a[i])) || (j < b.Length && !VersionText.IsAsciiDigit(b[j])))
            {
                int ac = i < a.Length ? Order(a[i]) : 0;
                int bc = j < b.Length ? Order(b[j]) : 0;
                if (ac != bc)
                {
                    return ac < bc ? -1 : 1;
                }

                i++;
                j++;
            }

            while (i < a.Length && a[i] == '0')
            {
                i++;
            }

            while (j < b.Length && b[j] == '0')
            {
                j++;
            }

            int firstDiff = 0;
            while (i < a.Length && j < b.Length && VersionText.IsAsciiDigit(a[i]) && VersionText.IsAsciiDigit(b[j]))
            {
                if (firstDiff == 0)
                {
                    firstDiff = a[i] - b[j];
                }

                i++;
                j++;
            }

            if (i < a.Length && VersionText.IsAsciiDigit(a[i]))
            {
                return 1;
            }

            if (j < b.Length && VersionText.IsAsciiDigit(b[j]))
            {
                return -1;
            }

            if (firstDiff != 0)
            {
                return firstDiff < 0 ? -1 : 1;
            }
        }

        return 0;
    }

    // '~' sorts before everything (even the end), letters before all other non-digits.
    private static int Order(char c)
    {
        if (VersionText.IsAsciiDigit(c))
        {
            return 0;
        }

        if (VersionText.IsAsciiLetter(c))
        {
            return c;
        }

        return c == '~' ? -1 : c + 256;
    }

    private static bool IsBlank(char c) => c is ' ' or '\t';

    // strtol semantics as dpkg uses them: optional sign, decimal digits, then the colon.
    private static bool TryParseEpoch(ReadOnlySpan<char> text, out int epoch, [NotNullWhen(false)] out string? error)
    {
        epoch = 0;
        int i = 0;
        bool negative = false;
        if (i < text.Length && text[i] is '+' or '-')
        {
            negative = text[i] == '-';
            i++;
        }

        int digitsStart = i;
        while (i < text.Length && VersionText.IsAsciiDigit(text[i]))
        {
            i++;
        }

        ReadOnlySpan<char> digits = text[digitsStart..i];
        if (digits.IsEmpty)
        {
            error = "epoch in version is empty";
            return false;
        }

        if (i != text.Length)
        {
            error = "epoch in version is not number";
            return false;
        }

        if (negative && !VersionText.IsZero(digits))
        {
            error = "epoch in version is negative";
            return false;
        }

        if (VersionText.CompareDigits(digits, "2147483647") > 0)
        {
            error = "epoch in version is too big";
            return false;
        }

        epoch = int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
        error = null;
        return true;
    }

    // dpkg reports only the first problem, in this order.
    private static string? FindWarning(ReadOnlySpan<char> upstream, ReadOnlySpan<char> revision)
    {
        if (!upstream.IsEmpty && !VersionText.IsAsciiDigit(upstream[0]))
        {
            return "version number does not start with digit";
        }

        for (int i = 1; i < upstream.Length; i++)
        {
            if (!VersionText.IsAsciiAlphanumeric(upstream[i]) && !UpstreamPunctuation.Contains(upstream[i], StringComparison.Ordinal))
            {
                return "invalid character in version number";
            }
        }

        foreach (char c in revision)
        {
            if (!VersionText.IsAsciiAlphanumeric(c) && !RevisionPunctuation.Contains(c, StringComparison.Ordinal))
            {
                return "invalid character in revision number";
            }
        }

        return null;
    }
}
