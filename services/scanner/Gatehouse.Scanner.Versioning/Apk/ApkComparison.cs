using System.Diagnostics.CodeAnalysis;

namespace Gatehouse.Scanner.Versioning;

internal enum ApkOutcome
{
    Less,
    Equal,
    Greater,

    // The comparison reached a malformed token of that side before it was decided.
    MalformedA,
    MalformedB,
}

// apk_version_validate and apk_version_compare_fuzzy, without allocation.
internal static class ApkComparison
{
    public static bool Validate(ReadOnlySpan<char> text, [NotNullWhen(false)] out string? error)
    {
        if (!IsAscii(text, out error))
        {
            return false;
        }

        var tokens = new ApkTokenizer(text);
        while (tokens.Token < ApkToken.End)
        {
            tokens.Next();
        }

        if (tokens.Token == ApkToken.End)
        {
            error = null;
            return true;
        }

        error = Describe(text, tokens.Position);
        return false;
    }

    // apk never validates while comparing; MalformedA/B is returned where apk's own answer would
    // be decided by a malformed token (apk then answers arbitrarily).
    public static ApkOutcome Compare(ReadOnlySpan<char> a, ReadOnlySpan<char> b, bool fuzzy)
    {
        var ta = new ApkTokenizer(a);
        var tb = new ApkTokenizer(b);
        while (ta.Token == tb.Token && ta.Token < ApkToken.End)
        {
            int r = CompareTokens(ta, tb);
            if (r != 0)
            {
                return r < 0 ? ApkOutcome.Less : ApkOutcome.Greater;
            }

            ta.Next();
            tb.Next();
        }

        if (ta.Token == ApkToken.Invalid)
        {
            return ApkOutcome.MalformedA;
        }

        if (tb.Token == ApkToken.Invalid)
        {
            return ApkOutcome.MalformedB;
        }

        // Both ended, or fuzzy matching and the constraint is a prefix of the version.
        if (ta.Token == tb.Token || (tb.Token == ApkToken.End && fuzzy))
        {
            return ApkOutcome.Equal;
        }

        // Equal so far: the longer version is newer unless what it continues with is a pre-release suffix.
        if (ta.Token == ApkToken.Suffix && ta.Suffix < ApkSuffix.None)
        {
            return ApkOutcome.Less;
        }

        if (tb.Token == ApkToken.Suffix && tb.Suffix < ApkSuffix.None)
        {
            return ApkOutcome.Greater;
        }

        return ta.Token > tb.Token ? ApkOutcome.Less : ApkOutcome.Greater;
    }

    public static int ToSign(ApkOutcome outcome) => outcome switch
    {
        ApkOutcome.Less => -1,
        ApkOutcome.Greater => 1,
        _ => 0,
    };

    public static bool IsAscii(ReadOnlySpan<char> text, [NotNullWhen(false)] out string? error)
    {
        foreach (char c in text)
        {
            // apk works on bytes; UTF-8 inside a ~hash would be accepted by apk but has no
            // faithful UTF-16 ordering, so non-ASCII is refused.
            if (c > '~' || c < ' ')
            {
                error = "contains a control or non-ASCII character";
                return false;
            }
        }

        error = null;
        return true;
    }

    public static string Describe(ReadOnlySpan<char> text, int position) =>
        position >= text.Length
            ? $"not an apk version: ends unexpectedly after '{VersionText.Escape(text.ToString())}'"
            : $"not an apk version: unexpected '{text[position]}' at offset {position}";

    // token_cmp: called only for two tokens of the same kind.
    private static int CompareTokens(in ApkTokenizer a, in ApkTokenizer b)
    {
        switch (a.Token)
        {
            case ApkToken.Digit when a.Value[0] == '0' || b.Value[0] == '0':
                // A leading zero makes apk compare the digits as text (Gentoo rule): 0015 < 002.
                return VersionText.Ordinal(a.Value, b.Value);
            case ApkToken.Digit:
            case ApkToken.InitialDigit:
            case ApkToken.SuffixNumber:
            case ApkToken.RevisionNumber:
                return VersionText.CompareDigits(a.Value, b.Value);
            case ApkToken.Letter:
                return a.Value[0].CompareTo(b.Value[0]);
            case ApkToken.Suffix:
                return ((int)a.Suffix).CompareTo((int)b.Suffix); // Enum.CompareTo would box
            default:
                return VersionText.Ordinal(a.Value, b.Value);
        }
    }
}
