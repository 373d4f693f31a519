using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Gatehouse.Scanner.Versioning;

// Parsing per dialect. The strict dialects share one hand-written SemVer 2.0 parser; node-semver's
// loose grammar is ambiguous ("1.2.34.5" is 1.2.3-4.5) and is matched with node's own regular
// expression so backtracking picks the same split node does.
internal static partial class SemverParser
{
    private const int NodeMaxLength = 256;
    private const string NodeMaxSafeInteger = "9007199254740991";
    private const string UInt64Max = "18446744073709551615";

    public static bool TryParse(string text, SemverDialect dialect, string schemeName, [NotNullWhen(true)] out SemverVersion? version, [NotNullWhen(false)] out string? error)
    {
        version = null;
        ReadOnlySpan<char> body = text;
        if (dialect is SemverDialect.Node or SemverDialect.NodeLoose)
        {
            // node-semver checks the length before trimming.
            if (text.Length > NodeMaxLength)
            {
                error = $"longer than {NodeMaxLength} characters";
                return false;
            }

            body = body.Trim(JavaScriptWhitespace);
        }

        return dialect == SemverDialect.NodeLoose
            ? TryParseNodeLoose(text, body.ToString(), schemeName, out version, out error)
            : TryParseStrict(text, body, dialect, schemeName, out version, out error);
    }

    private static bool TryParseStrict(string original, ReadOnlySpan<char> s, SemverDialect dialect, string schemeName, [NotNullWhen(true)] out SemverVersion? version, [NotNullWhen(false)] out string? error)
    {
        version = null;
        int i = 0;
        if (dialect != SemverDialect.Cargo && i < s.Length && s[i] == 'v')
        {
            i++;
        }

        string limit = dialect switch
        {
            SemverDialect.Node => NodeMaxSafeInteger,
            SemverDialect.Cargo => UInt64Max,
            _ => string.Empty,
        };
        string major = string.Empty;
        string minor = "0";
        string patch = "0";
        if (!TryReadCore(s, ref i, "major", limit, ref major, out error))
        {
            return false;
        }

        // Go accepts the shorthands "v1" and "v1.2", and nothing may follow them.
        bool shorthandAllowed = dialect == SemverDialect.Go;
        if (!(shorthandAllowed && i == s.Length))
        {
            if (!Expect(s, ref i, '.', "minor", out error) || !TryReadCore(s, ref i, "minor", limit, ref minor, out error))
            {
                return false;
            }

            if (!(shorthandAllowed && i == s.Length)
                && (!Expect(s, ref i, '.', "patch", out error) || !TryReadCore(s, ref i, "patch", limit, ref patch, out error)))
            {
                return false;
            }
        }

        string[] prerelease = [];
        if (i < s.Length && s[i] == '-' && !TryReadIdentifiers(s, ref i, isPrerelease: true, out prerelease, out error))
        {
            return false;
        }

        string build = string.Empty;
        if (i < s.Length && s[i] == '+')
        {
            int start = i + 1;
            if (!TryReadIdentifiers(s, ref i, isPrerelease: false, out _, out error))
            {
                return false;
            }

            build = s[start..i].ToString();
        }

        if (i != s.Length)
        {
            error = $"unexpected '{s[i]}' at offset {i}";
            return false;
        }

        version = new SemverVersion(schemeName, original, major, minor, patch, prerelease, build);
        error = null;
        return true;
    }

    private static bool TryReadCore(ReadOnlySpan<char> s, ref int i, string name, string limit, ref string value, [NotNullWhen(false)] out string? error)
    {
        int start = i;
        while (i < s.Length && VersionText.IsAsciiDigit(s[i]))
        {
            i++;
        }

        ReadOnlySpan<char> digits = s[start..i];
        if (digits.IsEmpty)
        {
            error = $"{name} version is not a number";
            return false;
        }

        if (digits.Length > 1 && digits[0] == '0')
        {
            error = $"{name} version has a leading zero";
            return false;
        }

        if (limit.Length > 0 && VersionText.CompareDigits(digits, limit) > 0)
        {
            error = $"{name} version is larger than {limit}";
            return false;
        }

        value = digits.ToString();
        error = null;
        return true;
    }

    private static bool Expect(ReadOnlySpan<char> s, ref int i, char expected, string next, [NotNullWhen(false)] out string? error)
    {
        if (i < s.Length && s[i] == expected)
        {
            i++;
            error = null;
            return true;
        }

        error = $"expected '{expected}' before the {next} version";
        return false;
    }

    // s[i] is the '-' or '+' introducing dot-separated identifiers of [0-9A-Za-z-].
    private static bool TryReadIdentifiers(ReadOnlySpan<char> s, ref int i, bool isPrerelease, out string[] identifiers, [NotNullWhen(false)] out string? error)
    {
        string part = isPrerelease ? "pre-release" : "build metadata";
        var found = new List<string>();
        identifiers = [];
        do
        {
            int start = ++i;
            while (i < s.Length && (VersionText.IsAsciiAlphanumeric(s[i]) || s[i] == '-'))
            {
                i++;
            }

            ReadOnlySpan<char> identifier = s[start..i];
            if (identifier.IsEmpty)
            {
                error = $"empty {part} identifier";
                return false;
            }

            if (isPrerelease && identifier.Length > 1 && identifier[0] == '0' && VersionText.IsAllAsciiDigits(identifier))
            {
                error = $"numeric pre-release identifier '{identifier.ToString()}' has a leading zero";
                return false;
            }

            found.Add(identifier.ToString());
        }
        while (i < s.Length && s[i] == '.');

        identifiers = [.. found];
        error = null;
        return true;
    }

    private static bool TryParseNodeLoose(string original, string body, string schemeName, [NotNullWhen(true)] out SemverVersion? version, [NotNullWhen(false)] out string? error)
    {
        version = null;
        Match match = NodeLoosePattern().Match(body);
        if (!match.Success)
        {
            error = "not a version in node-semver loose syntax";
            return false;
        }

        string[] core = new string[3];
        string[] names = ["major", "minor", "patch"];
        for (int n = 0; n < 3; n++)
        {
            core[n] = VersionText.NormalizeDigits(match.Groups[n + 1].ValueSpan);
            if (VersionText.CompareDigits(core[n], NodeMaxSafeInteger) > 0)
            {
                error = $"{names[n]} version is larger than {NodeMaxSafeInteger}";
                return false;
            }
        }

        string[] prerelease = match.Groups[4].Success ? match.Groups[4].Value.Split('.') : [];
        string build = match.Groups[5].Success ? match.Groups[5].Value : string.Empty;
        version = new SemverVersion(schemeName, original, core[0], core[1], core[2], prerelease, build);
        error = null;
        return true;
    }

    // String.prototype.trim's set (WhiteSpace and LineTerminator in ECMA-262).
    private const string JavaScriptWhitespace =
        "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff";

    // node-semver's LOOSE expression (internal/re.js) with \s and \d spelled out as JavaScript means them.
    [GeneratedRegex(
        @"^[v=\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]*([0-9]+)\.([0-9]+)\.([0-9]+)" +
        @"(?:-?((?:[0-9]+|[0-9]*[a-zA-Z-][a-zA-Z0-9-]*)(?:\.(?:[0-9]+|[0-9]*[a-zA-Z-][a-zA-Z0-9-]*))*))?" +
        @"(?:\+([a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*))?\z",
        RegexOptions.CultureInvariant)]
    private static partial Regex NodeLoosePattern();
}
