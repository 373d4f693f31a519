namespace Gatehouse.Scanner.Versioning;

// Character classes and arbitrary-length numeric comparison shared by the schemes.
// Numbers are kept as digit text so segments longer than 64 bits compare exactly.
internal static class VersionText
{
    public static bool IsAsciiDigit(char c) => (uint)(c - '0') <= 9;

    public static bool IsAsciiLetter(char c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a';

    public static bool IsAsciiLower(char c) => (uint)(c - 'a') <= 'z' - 'a';

    public static bool IsAsciiAlphanumeric(char c) => IsAsciiDigit(c) || IsAsciiLetter(c);

    public static bool IsAllAsciiDigits(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    // Compares two runs of ASCII digits by value: leading zeros ignored, then length, then digits.
    public static int CompareDigits(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        a = a.TrimStart('0');
        b = b.TrimStart('0');
        if (a.Length != b.Length)
        {
            return a.Length < b.Length ? -1 : 1;
        }

        return Math.Sign(a.SequenceCompareTo(b));
    }

    public static bool IsZero(ReadOnlySpan<char> digits) => digits.TrimStart('0').IsEmpty;

    // Canonical decimal text of a digit run: no leading zeros, "0" for zero.
    public static string NormalizeDigits(ReadOnlySpan<char> digits)
    {
        ReadOnlySpan<char> trimmed = digits.TrimStart('0');
        return trimmed.IsEmpty ? "0" : trimmed.ToString();
    }

    public static int Ordinal(ReadOnlySpan<char> a, ReadOnlySpan<char> b) => Math.Sign(a.SequenceCompareTo(b));

    public static int Ordinal(string a, string b) => Math.Sign(string.CompareOrdinal(a, b));

    // Text quoted in messages: control characters and unpaired surrogates become \uXXXX so an
    // error always stays on one line and prints cleanly.
    public static string Escape(string text)
    {
        var escaped = new System.Text.StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            bool paired = char.IsHighSurrogate(c) ? i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
                : char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(text[i - 1]);
            if (char.IsControl(c) || (char.IsSurrogate(c) && !paired))
            {
                escaped.Append($"\\u{(int)c:x4}");
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }
}
