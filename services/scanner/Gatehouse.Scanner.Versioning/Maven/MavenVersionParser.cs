using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Gatehouse.Scanner.Versioning;

// ComparableVersion.parseVersion, ported index for index: its quirks decide the ordering, and
// inputs on which Maven throws (a NumberFormatException from a stray surrogate or a non-ASCII
// digit run) are reported as invalid instead.
internal static class MavenVersionParser
{
    // Maven 4 rejects longer version strings to bound parsing cost.
    public const int MaxLength = 256;

    private const int MaxIntLength = 9;
    private const int MaxLongLength = 18;

    public static bool TryParse(string text, [NotNullWhen(true)] out MavenListItem? items, [NotNullWhen(false)] out string? error)
    {
        items = null;
        if (text.Length > MaxLength)
        {
            error = $"longer than {MaxLength} characters";
            return false;
        }

        string version = JavaLowerCase(text);
        var root = new MavenListItem();
        MavenListItem list = root;
        var stack = new Stack<MavenListItem>();
        stack.Push(list);
        bool isDigit = false;
        bool isCombination = false;
        int startIndex = 0;
        error = null;

        for (int i = 0; i < version.Length && error is null; i++)
        {
            int c = version[i];
            if (char.IsHighSurrogate(version[i]) && i + 1 < version.Length)
            {
                // Java reads the pair as one code point and moves i onto the low surrogate.
                c = char.IsLowSurrogate(version[i + 1]) ? char.ConvertToUtf32(version[i], version[i + 1]) : c;
                i++;
            }

            if (c == '.')
            {
                list.Items.Add(i == startIndex ? MavenNumberItem.Zero : ParseItem(isCombination, isDigit, version[startIndex..i], ref error));
                isCombination = false;
                startIndex = i + 1;
            }
            else if (c == '-')
            {
                if (i == startIndex)
                {
                    list.Items.Add(MavenNumberItem.Zero);
                }
                else
                {
                    // X-1 is treated as X1.
                    if (!isDigit && i != version.Length - 1 && char.IsDigit(version[i + 1]))
                    {
                        isCombination = true;
                        continue;
                    }

                    list.Items.Add(ParseItem(isCombination, isDigit, version[startIndex..i], ref error));
                }

                startIndex = i + 1;
                if (list.Items.Count > 0)
                {
                    list = PushList(list, stack);
                }

                isCombination = false;
            }
            else if (c is >= '0' and <= '9')
            {
                if (!isDigit && i > startIndex)
                {
                    isCombination = true;
                    if (list.Items.Count > 0)
                    {
                        list = PushList(list, stack);
                    }
                }

                isDigit = true;
            }
            else
            {
                if (isDigit && i > startIndex)
                {
                    list.Items.Add(ParseItem(isCombination, true, version[startIndex..i], ref error));
                    startIndex = i;
                    list = PushList(list, stack);
                    isCombination = false;
                }

                isDigit = false;
            }
        }

        if (error is null && version.Length > startIndex)
        {
            // 1.0.0.X1 < 1.0.0-X2: treat .X as -X for any string qualifier X.
            if (!isDigit && list.Items.Count > 0)
            {
                list = PushList(list, stack);
            }

            list.Items.Add(ParseItem(isCombination, isDigit, version[startIndex..], ref error));
        }

        if (error is not null)
        {
            return false;
        }

        while (stack.Count > 0)
        {
            stack.Pop().Normalize();
        }

        items = root;
        return true;
    }

    private static MavenListItem PushList(MavenListItem parent, Stack<MavenListItem> stack)
    {
        var child = new MavenListItem();
        parent.Items.Add(child);
        stack.Push(child);
        return child;
    }

    private static MavenItem ParseItem(bool isCombination, bool isDigit, string buffer, ref string? error)
    {
        if (isCombination)
        {
            return ParseCombination(buffer.Replace("-", string.Empty, StringComparison.Ordinal), ref error);
        }

        return isDigit ? ParseNumber(buffer, ref error) : new MavenStringItem(buffer, followedByDigit: false);
    }

    private static MavenCombinationItem ParseCombination(string value, ref string? error)
    {
        // Java's Character.isDigit: any Unicode decimal digit starts the number part.
        int index = 0;
        for (int i = 0; i < value.Length; i++)
        {
            if (char.IsDigit(value[i]))
            {
                index = i;
                break;
            }
        }

        var stringPart = new MavenStringItem(value[..index], followedByDigit: true);
        return new MavenCombinationItem(stringPart, ParseNumber(value[index..], ref error));
    }

    // Integer.parseInt / Long.parseLong / new BigInteger, chosen by length after stripping ASCII
    // zeros; like Java they accept any Unicode decimal digit and reject everything else.
    private static MavenNumberItem ParseNumber(string buffer, ref string? error)
    {
        string stripped = buffer.TrimStart('0');
        if (stripped.Length == 0)
        {
            return MavenNumberItem.Zero;
        }

        MavenItemKind kind = stripped.Length <= MaxIntLength ? MavenItemKind.Int
            : stripped.Length <= MaxLongLength ? MavenItemKind.Long
            : MavenItemKind.BigInteger;
        var digits = new StringBuilder(stripped.Length);
        foreach (char c in stripped)
        {
            int value = CharUnicodeInfo.GetDecimalDigitValue(c);
            if (value < 0 || !char.IsDigit(c))
            {
                error ??= $"Maven cannot parse '{VersionText.Escape(buffer)}' as a number (ComparableVersion throws NumberFormatException)";
                return MavenNumberItem.Zero;
            }

            digits.Append((char)('0' + value));
        }

        return new MavenNumberItem(kind, VersionText.NormalizeDigits(digits.ToString()));
    }

    // String.toLowerCase(Locale.ENGLISH): simple case mapping except for the two context-free
    // special cases Java applies outside Turkish/Lithuanian locales.
    private static string JavaLowerCase(string text)
    {
        if (!text.Contains('\u0130', StringComparison.Ordinal) && !text.Contains('\u03a3', StringComparison.Ordinal))
        {
            return text.ToLowerInvariant();
        }

        var lowered = new StringBuilder(text.Length + 4);
        for (int i = 0; i < text.Length; i++)
        {
            lowered.Append(text[i] switch
            {
                '\u0130' => "i\u0307",
                '\u03a3' => IsFinalSigma(text, i) ? "\u03c2" : "\u03c3",
                _ => char.ToLowerInvariant(text[i]).ToString(),
            });
        }

        return lowered.ToString();
    }

    // Unicode Final_Sigma: preceded by a cased letter and not followed by one (case-ignorable
    // characters skipped on both sides).
    private static bool IsFinalSigma(string text, int index)
    {
        int before = index - 1;
        while (before >= 0 && IsCaseIgnorable(text[before]))
        {
            before--;
        }

        int after = index + 1;
        while (after < text.Length && IsCaseIgnorable(text[after]))
        {
            after++;
        }

        return before >= 0 && IsCased(text[before]) && !(after < text.Length && IsCased(text[after]));
    }

    private static bool IsCased(char c) => char.IsUpper(c) || char.IsLower(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.TitlecaseLetter;

    private static bool IsCaseIgnorable(char c) =>
        c is '\'' or '.' or ':' or '\u00b7' or '\u2019'
        || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark
            or UnicodeCategory.Format or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol;
}
