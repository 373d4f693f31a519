using System.Text;

namespace Gatehouse.Scanner.Versioning;

// A PEP 440 version as pip's `packaging` parses it. Numbers are kept as normalized decimal
// text, so they compare exactly at any length (Python ints are unbounded).
public sealed class Pep440Version : IComparableVersion
{
    private readonly string[] release;
    private readonly string[]? local;

    internal Pep440Version(string text, string epoch, string[] release, string? preLabel, string? preNumber, string? post, string? dev, string[]? local)
    {
        Text = text;
        Epoch = epoch;
        this.release = release;
        PreLabel = preLabel;
        PreNumber = preNumber;
        Post = post;
        Dev = dev;
        this.local = local;
        Normalized = BuildNormalized();
    }

    public string SchemeName => "pep440";

    public string Text { get; }

    // Canonical form, as str(packaging.version.Version(text)).
    public string Normalized { get; }

    public string Epoch { get; }

    public IReadOnlyList<string> Release => release;

    // "a", "b" or "rc"; null without a pre-release.
    public string? PreLabel { get; }

    public string? PreNumber { get; }

    public string? Post { get; }

    public string? Dev { get; }

    public IReadOnlyList<string>? Local => local;

    public int CompareTo(IComparableVersion? other) => other switch
    {
        null => 1,
        Pep440Version v => Compare(this, v),
        _ => throw ComparableVersions.SchemeMismatch(this, other),
    };

    public override string ToString() => Normalized;

    // packaging's _cmpkey: epoch, release without trailing zeros, pre (a dev-only release sorts
    // before any pre-release, a final release after), post, dev, local.
    private static int Compare(Pep440Version a, Pep440Version b)
    {
        int result = VersionText.CompareDigits(a.Epoch, b.Epoch);
        if (result == 0)
        {
            result = CompareRelease(a.release, b.release);
        }

        if (result == 0)
        {
            result = PreRank(a).CompareTo(PreRank(b));
        }

        if (result == 0 && a.PreLabel is not null && b.PreLabel is not null)
        {
            result = LabelRank(a.PreLabel).CompareTo(LabelRank(b.PreLabel));
            result = result != 0 ? result : VersionText.CompareDigits(a.PreNumber, b.PreNumber);
        }

        if (result == 0)
        {
            result = CompareOptional(a.Post, b.Post, missingIsLowest: true);
        }

        if (result == 0)
        {
            result = CompareOptional(a.Dev, b.Dev, missingIsLowest: false);
        }

        return result != 0 ? result : CompareLocal(a.local, b.local);
    }

    private static int CompareRelease(string[] a, string[] b)
    {
        int lengthA = SignificantLength(a);
        int lengthB = SignificantLength(b);
        for (int i = 0; i < lengthA && i < lengthB; i++)
        {
            int result = VersionText.CompareDigits(a[i], b[i]);
            if (result != 0)
            {
                return result;
            }
        }

        return lengthA.CompareTo(lengthB);
    }

    private static int SignificantLength(string[] release)
    {
        int length = release.Length;
        while (length > 0 && release[length - 1] == "0")
        {
            length--;
        }

        return length;
    }

    private static int PreRank(Pep440Version v) =>
        v.PreLabel is not null ? 1 : v.Post is null && v.Dev is not null ? 0 : 2;

    private static int LabelRank(string label) => label switch
    {
        "a" => 0,
        "b" => 1,
        _ => 2,
    };

    private static int CompareOptional(string? a, string? b, bool missingIsLowest)
    {
        if (a is null || b is null)
        {
            int missing = missingIsLowest ? -1 : 1;
            return a is null && b is null ? 0 : a is null ? missing : -missing;
        }

        return VersionText.CompareDigits(a, b);
    }

    // No local < any local; segment-wise numeric > alphanumeric, numbers by value, text ordinally.
    private static int CompareLocal(string[]? a, string[]? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null ? 0 : a is null ? -1 : 1;
        }

        for (int i = 0; i < a.Length && i < b.Length; i++)
        {
            bool aNumeric = VersionText.IsAllAsciiDigits(a[i]);
            bool bNumeric = VersionText.IsAllAsciiDigits(b[i]);
            int result = (aNumeric, bNumeric) switch
            {
                (true, true) => VersionText.CompareDigits(a[i], b[i]),
                (true, false) => 1,
                (false, true) => -1,
                _ => VersionText.Ordinal(a[i], b[i]),
            };
            if (result != 0)
            {
                return result;
            }
        }

        return a.Length.CompareTo(b.Length);
    }

    private string BuildNormalized()
    {
        var text = new StringBuilder();
        if (Epoch != "0")
        {
            text.Append(Epoch).Append('!');
        }

        text.AppendJoin('.', release);
        if (PreLabel is not null)
        {
            text.Append(PreLabel).Append(PreNumber);
        }

        if (Post is not null)
        {
            text.Append(".post").Append(Post);
        }

        if (Dev is not null)
        {
            text.Append(".dev").Append(Dev);
        }

        if (local is not null)
        {
            text.Append('+').AppendJoin('.', local);
        }

        return text.ToString();
    }
}
