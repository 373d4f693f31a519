namespace Gatehouse.Scanner.Versioning;

// Gem::Version: segments are digit runs (numbers) and letter runs (pre-release markers).
public sealed class RubyGemsVersion : IComparableVersion
{
    // Canonical segments: trailing zeros dropped from the numeric prefix and from the rest.
    private readonly Segment[] segments;

    internal RubyGemsVersion(string text, string normalized)
    {
        Text = text;
        Normalized = normalized;
        segments = Canonicalize(Scan(normalized));
    }

    public string SchemeName => "rubygems";

    public string Text { get; }

    // Gem::Version#version: stripped, with every '-' replaced by ".pre.".
    public string Normalized { get; }

    public bool IsPrerelease => Array.Exists(segments, s => !s.IsNumber);

    public int CompareTo(IComparableVersion? other) => other switch
    {
        null => 1,
        RubyGemsVersion v => Compare(this, v),
        _ => throw ComparableVersions.SchemeMismatch(this, other),
    };

    public override string ToString() => Text;

    // Gem::Version#<=>: missing segments are 0; a string segment is older than a number.
    private static int Compare(RubyGemsVersion a, RubyGemsVersion b)
    {
        if (a.Normalized == b.Normalized)
        {
            return 0;
        }

        int count = Math.Max(a.segments.Length, b.segments.Length);
        for (int i = 0; i < count; i++)
        {
            Segment left = i < a.segments.Length ? a.segments[i] : Segment.Zero;
            Segment right = i < b.segments.Length ? b.segments[i] : Segment.Zero;
            int result = (left.IsNumber, right.IsNumber) switch
            {
                (true, true) => VersionText.CompareDigits(left.Text, right.Text),
                (false, true) => -1,
                (true, false) => 1,
                _ => VersionText.Ordinal(left.Text, right.Text),
            };
            if (result != 0)
            {
                return result;
            }
        }

        return 0;
    }

    // @version.scan(/[0-9]+|[a-z]+/i)
    private static List<Segment> Scan(string version)
    {
        var found = new List<Segment>();
        int i = 0;
        while (i < version.Length)
        {
            bool number = VersionText.IsAsciiDigit(version[i]);
            if (!number && !VersionText.IsAsciiLetter(version[i]))
            {
                i++;
                continue;
            }

            int start = i;
            while (i < version.Length && (number ? VersionText.IsAsciiDigit(version[i]) : VersionText.IsAsciiLetter(version[i])))
            {
                i++;
            }

            found.Add(number ? new Segment(VersionText.NormalizeDigits(version.AsSpan(start, i - start)), true) : new Segment(version[start..i], false));
        }

        return found;
    }

    // canonical_segments: split at the first string segment, drop trailing zeros of each half.
    private static Segment[] Canonicalize(List<Segment> scanned)
    {
        int firstString = scanned.FindIndex(s => !s.IsNumber);
        int split = firstString < 0 ? scanned.Count : firstString;
        var canonical = new List<Segment>(scanned.Count);
        canonical.AddRange(scanned.Take(DropTrailingZeros(scanned, 0, split)));
        canonical.AddRange(scanned.Skip(split).Take(DropTrailingZeros(scanned, split, scanned.Count) - split));
        return [.. canonical];
    }

    private static int DropTrailingZeros(List<Segment> segments, int start, int end)
    {
        while (end > start && segments[end - 1].IsNumber && segments[end - 1].Text == "0")
        {
            end--;
        }

        return end;
    }

    private readonly record struct Segment(string Text, bool IsNumber)
    {
        public static Segment Zero { get; } = new("0", true);
    }
}
