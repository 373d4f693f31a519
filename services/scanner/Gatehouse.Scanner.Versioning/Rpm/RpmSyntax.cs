using System.Diagnostics.CodeAnalysis;

namespace Gatehouse.Scanner.Versioning;

// Offsets of [epoch:]version[-release] in the text. Epoch and release are optional.
internal readonly record struct RpmParts(int EpochLength, int VersionStart, int VersionLength, int ReleaseStart, int ReleaseLength)
{
    public bool HasEpoch => EpochLength > 0;

    public bool HasRelease => ReleaseStart >= 0;

    public ReadOnlySpan<char> Epoch(ReadOnlySpan<char> text) => HasEpoch ? text[..EpochLength] : "0";

    public ReadOnlySpan<char> Version(ReadOnlySpan<char> text) => text.Slice(VersionStart, VersionLength);

    public ReadOnlySpan<char> Release(ReadOnlySpan<char> text) => HasRelease ? text.Slice(ReleaseStart, ReleaseLength) : [];
}

// rpm's parseEVR, rpmverCmp and rpmvercmp (rpmio/rpmver.c, rpmio/rpmvercmp.c), on spans.
internal static class RpmSyntax
{
    // ALLOWED_CHARS_VERREL of rpmbuild besides ASCII letters and digits.
    private const string AllowedPunctuation = "._+%{}~^";

    public static bool TryParse(ReadOnlySpan<char> text, out RpmParts parts, [NotNullWhen(false)] out string? error)
    {
        parts = default;
        int epochLength = 0;
        while (epochLength < text.Length && VersionText.IsAsciiDigit(text[epochLength]))
        {
            epochLength++;
        }

        int versionStart = 0;
        if (epochLength < text.Length && text[epochLength] == ':')
        {
            if (epochLength == 0)
            {
                error = "epoch before ':' is empty";
                return false;
            }

            versionStart = epochLength + 1;
        }
        else
        {
            epochLength = 0;
        }

        ReadOnlySpan<char> evr = text[versionStart..];
        int hyphen = evr.LastIndexOf('-');
        int versionLength = hyphen < 0 ? evr.Length : hyphen;
        int releaseStart = hyphen < 0 ? -1 : versionStart + hyphen + 1;
        int releaseLength = hyphen < 0 ? 0 : evr.Length - hyphen - 1;

        if (versionLength == 0)
        {
            error = "version part is empty";
            return false;
        }

        if (hyphen >= 0 && releaseLength == 0)
        {
            error = "release after '-' is empty";
            return false;
        }

        if (!CheckCharacters(text.Slice(versionStart, versionLength), "version", out error)
            || (hyphen >= 0 && !CheckCharacters(text.Slice(releaseStart, releaseLength), "release", out error)))
        {
            return false;
        }

        parts = new RpmParts(epochLength, versionStart, versionLength, releaseStart, releaseLength);
        return true;
    }

    // rpmverCmp: a missing release matches any release, as rpm does for dependency ranges;
    // this makes "1.0" equal to both "1.0-1" and "1.0-2".
    public static int Compare(ReadOnlySpan<char> a, in RpmParts pa, ReadOnlySpan<char> b, in RpmParts pb)
    {
        int result = VerCmp(pa.Epoch(a), pb.Epoch(b));
        if (result == 0)
        {
            result = VerCmp(pa.Version(a), pb.Version(b));
        }

        if (result == 0 && pa.HasRelease && pb.HasRelease)
        {
            result = VerCmp(pa.Release(a), pb.Release(b));
        }

        return result;
    }

    // rpmvercmp: alternating alphabetic/numeric segments, other characters separate them;
    // '~' sorts before everything, '^' after the base version but before any other continuation.
    public static int VerCmp(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        if (a.SequenceEqual(b))
        {
            return 0;
        }

        int i = 0;
        int j = 0;
        while (i < a.Length || j < b.Length)
        {
            while (i < a.Length && IsSeparator(a[i]))
            {
                i++;
            }

            while (j < b.Length && IsSeparator(b[j]))
            {
                j++;
            }

            char ca = i < a.Length ? a[i] : '\0';
            char cb = j < b.Length ? b[j] : '\0';
            if (ca == '~' || cb == '~')
            {
                if (ca != '~')
                {
                    return 1;
                }

                if (cb != '~')
                {
                    return -1;
                }

                i++;
                j++;
                continue;
            }

            if (ca == '^' || cb == '^')
            {
                if (i == a.Length)
                {
                    return -1;
                }

                if (j == b.Length)
                {
                    return 1;
                }

                if (ca != '^')
                {
                    return 1;
                }

                if (cb != '^')
                {
                    return -1;
                }

                i++;
                j++;
                continue;
            }

            if (i == a.Length || j == b.Length)
            {
                break;
            }

            bool numeric = VersionText.IsAsciiDigit(ca);
            int endA = SegmentEnd(a, i, numeric);
            int endB = SegmentEnd(b, j, numeric);

            // Segments of different kinds: the numeric one is newer.
            if (endB == j)
            {
                return numeric ? 1 : -1;
            }

            int result = numeric
                ? VersionText.CompareDigits(a[i..endA], b[j..endB])
                : VersionText.Ordinal(a[i..endA], b[j..endB]);
            if (result != 0)
            {
                return result;
            }

            i = endA;
            j = endB;
        }

        if (i == a.Length && j == b.Length)
        {
            return 0;
        }

        return i == a.Length ? -1 : 1;
    }

    private static bool IsSeparator(char c) => !VersionText.IsAsciiAlphanumeric(c) && c != '~' && c != '^';

    private static int SegmentEnd(ReadOnlySpan<char> text, int start, bool numeric)
    {
        int end = start;
        while (end < text.Length && (numeric ? VersionText.IsAsciiDigit(text[end]) : VersionText.IsAsciiLetter(text[end])))
        {
            end++;
        }

        return end;
    }

    private static bool CheckCharacters(ReadOnlySpan<char> part, string name, [NotNullWhen(false)] out string? error)
    {
        foreach (char c in part)
        {
            if (!VersionText.IsAsciiAlphanumeric(c) && !AllowedPunctuation.Contains(c, StringComparison.Ordinal))
            {
                error = $"character '{c}' is not allowed in an rpm {name}";
                return false;
            }
        }

        error = null;
        return true;
    }
}
