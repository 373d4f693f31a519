using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Gatehouse.Scanner.Versioning;

// PEP 440 as implemented by pip's `packaging` (VERSION_PATTERN), restricted to ASCII like current
// packaging: "1.0+İ" is rejected although packaging 21.3 accepted it.
public sealed partial class Pep440VersionScheme : VersionScheme<Pep440Version>
{
    public Pep440VersionScheme()
        : base("pep440")
    {
    }

    public static Pep440VersionScheme Default { get; } = new();

    // The canonical form of a version ("1.0-ALPHA1" -> "1.0a1"), or the reason it is not one.
    public bool TryNormalize(string text, [NotNullWhen(true)] out string? normalized, [NotNullWhen(false)] out string? error)
    {
        normalized = TryParseVersion(text, out Pep440Version? version, out error) ? version.Normalized : null;
        return normalized is not null;
    }

    private protected override bool TryParseCore(string text, [NotNullWhen(true)] out Pep440Version? version, [NotNullWhen(false)] out string? error)
    {
        version = null;
        ReadOnlySpan<char> body = TrimPythonWhitespace(text);
        foreach (char c in body)
        {
            if (c > '~')
            {
                error = "contains a non-ASCII character";
                return false;
            }
        }

        // Matching is case-insensitive in packaging; lower-casing ASCII first keeps the pattern plain.
        Match match = VersionPattern().Match(body.ToString().ToLowerInvariant());
        if (!match.Success)
        {
            error = "not a valid PEP 440 version";
            return false;
        }

        string epoch = match.Groups["epoch"].Success ? VersionText.NormalizeDigits(match.Groups["epoch"].ValueSpan) : "0";
        string[] release = match.Groups["release"].Value.Split('.');
        for (int i = 0; i < release.Length; i++)
        {
            release[i] = VersionText.NormalizeDigits(release[i]);
        }

        string? preLabel = match.Groups["pre_l"].Success ? CanonicalPreLabel(match.Groups["pre_l"].Value) : null;
        string? preNumber = preLabel is null ? null : NumberOrZero(match.Groups["pre_n"]);
        string? post = match.Groups["post_n1"].Success ? VersionText.NormalizeDigits(match.Groups["post_n1"].ValueSpan)
            : match.Groups["post_l"].Success ? NumberOrZero(match.Groups["post_n2"])
            : null;
        string? dev = match.Groups["dev_l"].Success ? NumberOrZero(match.Groups["dev_n"]) : null;
        string[]? local = match.Groups["local"].Success ? SplitLocal(match.Groups["local"].Value) : null;

        version = new Pep440Version(text, epoch, release, preLabel, preNumber, post, dev, local);
        error = null;
        return true;
    }

    private protected override int CompareParsed(Pep440Version a, Pep440Version b) => a.CompareTo(b);

    private static string NumberOrZero(Group digits) => digits.Success ? VersionText.NormalizeDigits(digits.ValueSpan) : "0";

    private static string CanonicalPreLabel(string label) => label switch
    {
        "a" or "alpha" => "a",
        "b" or "beta" => "b",
        _ => "rc",
    };

    // Separators become '.', all-digit segments lose leading zeros (they are ints in packaging).
    private static string[] SplitLocal(string local)
    {
        string[] segments = local.Split('.', '-', '_');
        for (int i = 0; i < segments.Length; i++)
        {
            if (VersionText.IsAllAsciiDigits(segments[i]))
            {
                segments[i] = VersionText.NormalizeDigits(segments[i]);
            }
        }

        return segments;
    }

    // Python's \s on str: Unicode category Zs plus the bidi whitespace/separator controls.
    private static ReadOnlySpan<char> TrimPythonWhitespace(ReadOnlySpan<char> text)
    {
        int start = 0;
        int end = text.Length;
        while (start < end && IsPythonWhitespace(text[start]))
        {
            start++;
        }

        while (end > start && IsPythonWhitespace(text[end - 1]))
        {
            end--;
        }

        return text[start..end];
    }

    private static bool IsPythonWhitespace(char c) =>
        c is (>= '\t' and <= '\r') or (>= '\x1c' and <= '\x1f') or '\x85' or '\u2028' or '\u2029'
        || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.SpaceSeparator;

    // packaging's VERSION_PATTERN, anchored; input is already trimmed and lower-cased.
    [GeneratedRegex(
        @"^v?(?:(?<epoch>[0-9]+)!)?(?<release>[0-9]+(?:\.[0-9]+)*)" +
        @"(?<pre>[-_.]?(?<pre_l>a|b|c|rc|alpha|beta|pre|preview)[-_.]?(?<pre_n>[0-9]+)?)?" +
        @"(?<post>(?:-(?<post_n1>[0-9]+))|(?:[-_.]?(?<post_l>post|rev|r)[-_.]?(?<post_n2>[0-9]+)?))?" +
        @"(?<dev>[-_.]?(?<dev_l>dev)[-_.]?(?<dev_n>[0-9]+)?)?" +
        @"(?:\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?\z",
        RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}
