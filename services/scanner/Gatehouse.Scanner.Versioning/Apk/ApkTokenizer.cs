namespace Gatehouse.Scanner.Versioning;

// Token kinds in apk-tools' order (src/version.c); the order itself is semantics: it bounds which
// token may follow which, and decides the tail of a comparison.
internal enum ApkToken : byte
{
    InitialDigit,
    Digit,
    Letter,
    Suffix,
    SuffixNumber,
    CommitHash,
    RevisionNumber,
    End,
    Invalid,
}

// Suffix kinds in apk's order: everything below None is a pre-release.
internal enum ApkSuffix : byte
{
    Invalid,
    Alpha,
    Beta,
    Pre,
    Rc,
    None,
    Cvs,
    Svn,
    Git,
    Hg,
    P,
}

// apk's token_first/token_next over a span: digit{.digit}...{letter}{_suffix{#}}...{~hash}{-r#}.
internal ref struct ApkTokenizer
{
    private readonly int length;
    private ReadOnlySpan<char> rest;

    public ApkTokenizer(ReadOnlySpan<char> text)
    {
        length = text.Length;
        rest = text;
        Token = ApkToken.InitialDigit;
        ParseDigits();
    }

    public ApkToken Token { get; private set; }

    public ApkSuffix Suffix { get; private set; }

    public ReadOnlySpan<char> Value { get; private set; }

    // Offset of the first character not yet consumed; after Invalid, where the problem is.
    public readonly int Position => length - rest.Length;

    public void Next()
    {
        if (rest.IsEmpty)
        {
            Token = ApkToken.End;
            return;
        }

        char c = rest[0];
        if (VersionText.IsAsciiLower(c))
        {
            if (Token > ApkToken.Digit)
            {
                Token = ApkToken.Invalid;
                return;
            }

            Value = rest[..1];
            rest = rest[1..];
            Token = ApkToken.Letter;
        }
        else if (c == '.' || VersionText.IsAsciiDigit(c))
        {
            if (c == '.')
            {
                if (Token > ApkToken.Digit)
                {
                    Token = ApkToken.Invalid;
                    return;
                }

                rest = rest[1..];
            }

            Token = Token switch
            {
                ApkToken.InitialDigit or ApkToken.Digit => ApkToken.Digit,
                ApkToken.Suffix => ApkToken.SuffixNumber,
                _ => ApkToken.Invalid,
            };
            if (Token != ApkToken.Invalid)
            {
                ParseDigits();
            }
        }
        else if (c == '_')
        {
            NextSuffix();
        }
        else if (c == '~')
        {
            NextCommitHash();
        }
        else if (c == '-')
        {
            if (Token >= ApkToken.RevisionNumber || !rest.StartsWith("-r", StringComparison.Ordinal))
            {
                Token = ApkToken.Invalid;
                return;
            }

            rest = rest[2..];
            Token = ApkToken.RevisionNumber;
            ParseDigits();
        }
        else
        {
            Token = ApkToken.Invalid;
        }
    }

    private void NextSuffix()
    {
        if (Token > ApkToken.SuffixNumber)
        {
            Token = ApkToken.Invalid;
            return;
        }

        rest = rest[1..];
        int n = 0;
        while (n < rest.Length && VersionText.IsAsciiLower(rest[n]))
        {
            n++;
        }

        Value = rest[..n];
        Suffix = SuffixOf(Value);
        if (Suffix == ApkSuffix.Invalid)
        {
            Token = ApkToken.Invalid;
            return;
        }

        rest = rest[n..];
        Token = ApkToken.Suffix;
    }

    private void NextCommitHash()
    {
        if (Token >= ApkToken.CommitHash)
        {
            Token = ApkToken.Invalid;
            return;
        }

        rest = rest[1..];
        int n = 0;
        while (n < rest.Length && (VersionText.IsAsciiDigit(rest[n]) || (uint)(rest[n] - 'a') <= 'f' - 'a'))
        {
            n++;
        }

        if (n == 0)
        {
            Token = ApkToken.Invalid;
            return;
        }

        Value = rest[..n];
        rest = rest[n..];
        Token = ApkToken.CommitHash;
    }

    private void ParseDigits()
    {
        int n = 0;
        while (n < rest.Length && VersionText.IsAsciiDigit(rest[n]))
        {
            n++;
        }

        Value = rest[..n];
        rest = rest[n..];
        if (n == 0)
        {
            Token = ApkToken.Invalid;
        }
    }

    private static ApkSuffix SuffixOf(ReadOnlySpan<char> name)
    {
        ApkSuffix suffix = name.IsEmpty ? ApkSuffix.Invalid : name[0] switch
        {
            'a' => ApkSuffix.Alpha,
            'b' => ApkSuffix.Beta,
            'c' => ApkSuffix.Cvs,
            'g' => ApkSuffix.Git,
            'h' => ApkSuffix.Hg,
            'p' => name.Length > 1 ? ApkSuffix.Pre : ApkSuffix.P,
            'r' => ApkSuffix.Rc,
            's' => ApkSuffix.Svn,
            _ => ApkSuffix.Invalid,
        };
        return suffix != ApkSuffix.Invalid && name.SequenceEqual(NameOf(suffix)) ? suffix : ApkSuffix.Invalid;
    }

    private static string NameOf(ApkSuffix suffix) => suffix switch
    {
        ApkSuffix.Alpha => "alpha",
        ApkSuffix.Beta => "beta",
        ApkSuffix.Pre => "pre",
        ApkSuffix.Rc => "rc",
        ApkSuffix.Cvs => "cvs",
        ApkSuffix.Svn => "svn",
        ApkSuffix.Git => "git",
        ApkSuffix.Hg => "hg",
        ApkSuffix.P => "p",
        _ => string.Empty,
    };
}
