using System.Diagnostics.CodeAnalysis;

namespace Gatehouse.Scanner.Versioning;

// Fallback ordering for ecosystems without a dedicated scheme (e.g. Packagist): the text is split
// into digit runs and letter runs, anything else separates them. Runs compare pairwise, a missing
// run counting as the number 0; numbers by value (any length), letters case-insensitively, and a
// number is newer than letters, so "1.0" == "1.0.0", "1.0-beta" < "1.0" < "1.0.1".
public sealed class GenericVersion : IComparableVersion
{
    internal GenericVersion(string text)
    {
        Text = text;
    }

    public string SchemeName => "generic";

    public string Text { get; }

    public int CompareTo(IComparableVersion? other) => other switch
    {
        null => 1,
        GenericVersion v => GenericVersionScheme.CompareText(Text, v.Text),
        _ => throw ComparableVersions.SchemeMismatch(this, other),
    };

    public override string ToString() => Text;
}

public sealed class GenericVersionScheme : VersionScheme<GenericVersion>
{
    public GenericVersionScheme()
        : base("generic")
    {
    }

    public static GenericVersionScheme Default { get; } = new();

    internal static int CompareText(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        int i = 0;
        int j = 0;
        while (true)
        {
            ReadOnlySpan<char> left = NextRun(a, ref i);
            ReadOnlySpan<char> right = NextRun(b, ref j);
            if (left.IsEmpty && right.IsEmpty)
            {
                return 0;
            }

            if (left.IsEmpty)
            {
                left = "0";
            }

            if (right.IsEmpty)
            {
                right = "0";
            }

            bool leftNumber = VersionText.IsAsciiDigit(left[0]);
            bool rightNumber = VersionText.IsAsciiDigit(right[0]);
            int result = (leftNumber, rightNumber) switch
            {
                (true, true) => VersionText.CompareDigits(left, right),
                (true, false) => 1,
                (false, true) => -1,
                _ => Math.Sign(left.CompareTo(right, StringComparison.OrdinalIgnoreCase)),
            };
            if (result != 0)
            {
                return result;
            }
        }
    }

    private protected override bool TryParseCore(string text, [NotNullWhen(true)] out GenericVersion? version, [NotNullWhen(false)] out string? error)
    {
        version = Validate(text, out error) ? new GenericVersion(text) : null;
        return version is not null;
    }

    private protected override int CompareParsed(GenericVersion a, GenericVersion b) => a.CompareTo(b);

    // Allocation-free: validates and compares the text in place.
    private protected override bool TryCompareCore(string a, string b, out int sign, out VersionFailure failure)
    {
        sign = 0;
        string? error;
        if (!IsPresent(a, out error) || !Validate(a, out error))
        {
            failure = new VersionFailure("a", a, error!);
            return false;
        }

        if (!IsPresent(b, out error) || !Validate(b, out error))
        {
            failure = new VersionFailure("b", b, error!);
            return false;
        }

        failure = default;
        sign = CompareText(a, b);
        return true;
    }

    private static bool Validate(ReadOnlySpan<char> text, [NotNullWhen(false)] out string? error)
    {
        bool hasRun = false;
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                error = "contains whitespace or a control character";
                return false;
            }

            hasRun |= char.IsLetterOrDigit(c);
        }

        error = hasRun ? null : "contains no digits or letters";
        return hasRun;
    }

    // Next maximal run of ASCII digits, or of other letters/digits; empty at the end.
    private static ReadOnlySpan<char> NextRun(ReadOnlySpan<char> text, ref int i)
    {
        while (i < text.Length && !char.IsLetterOrDigit(text[i]))
        {
            i++;
        }

        int start = i;
        bool number = i < text.Length && VersionText.IsAsciiDigit(text[i]);
        while (i < text.Length && char.IsLetterOrDigit(text[i]) && VersionText.IsAsciiDigit(text[i]) == number)
        {
            i++;
        }

        return text[start..i];
    }
}
