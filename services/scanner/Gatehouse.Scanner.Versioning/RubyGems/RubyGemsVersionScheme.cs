using System.Diagnostics.CodeAnalysis;

namespace Gatehouse.Scanner.Versioning;

// RubyGems versions, valid per Gem::Version::ANCHORED_VERSION_PATTERN:
// \s* [0-9]+ (\.[0-9a-zA-Z]+)* (-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)? \s*
// (Gem::Version accepts an empty string as "0"; every scheme here rejects empty text.)
public sealed class RubyGemsVersionScheme : VersionScheme<RubyGemsVersion>
{
    public RubyGemsVersionScheme()
        : base("rubygems")
    {
    }

    public static RubyGemsVersionScheme Default { get; } = new();

    private protected override bool TryParseCore(string text, [NotNullWhen(true)] out RubyGemsVersion? version, [NotNullWhen(false)] out string? error)
    {
        version = null;
        ReadOnlySpan<char> body = text.AsSpan().Trim(" \t\r\n\f\v");
        int i = 0;
        if (!SkipRun(body, ref i, VersionText.IsAsciiDigit))
        {
            error = "must start with a number";
            return false;
        }

        while (i < body.Length && body[i] == '.')
        {
            i++;
            if (!SkipRun(body, ref i, VersionText.IsAsciiAlphanumeric))
            {
                error = $"empty or invalid segment at offset {i}";
                return false;
            }
        }

        if (i < body.Length && body[i] == '-')
        {
            do
            {
                i++;
                if (!SkipRun(body, ref i, IsPrereleaseCharacter))
                {
                    error = $"empty or invalid pre-release segment at offset {i}";
                    return false;
                }
            }
            while (i < body.Length && body[i] == '.');
        }

        if (i != body.Length)
        {
            error = $"unexpected '{body[i]}' at offset {i}";
            return false;
        }

        version = new RubyGemsVersion(text, body.ToString().Replace("-", ".pre.", StringComparison.Ordinal));
        error = null;
        return true;
    }

    private protected override int CompareParsed(RubyGemsVersion a, RubyGemsVersion b) => a.CompareTo(b);

    private static bool IsPrereleaseCharacter(char c) => VersionText.IsAsciiAlphanumeric(c) || c == '-';

    private static bool SkipRun(ReadOnlySpan<char> text, ref int i, Func<char, bool> accepts)
    {
        int start = i;
        while (i < text.Length && accepts(text[i]))
        {
            i++;
        }

        return i > start;
    }
}
