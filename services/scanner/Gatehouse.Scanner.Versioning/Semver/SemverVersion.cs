namespace Gatehouse.Scanner.Versioning;

public sealed class SemverVersion : IComparableVersion
{
    private readonly string[] prerelease;

    internal SemverVersion(string schemeName, string text, string major, string minor, string patch, string[] prerelease, string build)
    {
        SchemeName = schemeName;
        Text = text;
        Major = major;
        Minor = minor;
        Patch = patch;
        this.prerelease = prerelease;
        Build = build;
    }

    public string SchemeName { get; }

    public string Text { get; }

    // Decimal text without leading zeros; numbers may exceed 64 bits (Go allows any length).
    public string Major { get; }

    public string Minor { get; }

    public string Patch { get; }

    public IReadOnlyList<string> Prerelease => prerelease;

    // Empty when absent; never affects ordering.
    public string Build { get; }

    public bool IsPrerelease => prerelease.Length > 0;

    public int CompareTo(IComparableVersion? other) => other switch
    {
        null => 1,
        SemverVersion v => Compare(this, v),
        _ => throw ComparableVersions.SchemeMismatch(this, other),
    };

    public override string ToString() => Text;

    private static int Compare(SemverVersion a, SemverVersion b)
    {
        int result = VersionText.CompareDigits(a.Major, b.Major);
        if (result == 0)
        {
            result = VersionText.CompareDigits(a.Minor, b.Minor);
        }

        if (result == 0)
        {
            result = VersionText.CompareDigits(a.Patch, b.Patch);
        }

        return result != 0 ? result : ComparePrerelease(a.prerelease, b.prerelease);
    }

    // A release is newer than its pre-releases; identifiers compare numerically when both are
    // numeric (exactly, at any length), numeric before alphanumeric, otherwise ordinally.
    private static int ComparePrerelease(string[] a, string[] b)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            return a.Length == b.Length ? 0 : a.Length == 0 ? 1 : -1;
        }

        for (int i = 0; i < a.Length && i < b.Length; i++)
        {
            bool aNumeric = VersionText.IsAllAsciiDigits(a[i]);
            bool bNumeric = VersionText.IsAllAsciiDigits(b[i]);
            int result = (aNumeric, bNumeric) switch
            {
                (true, true) => VersionText.CompareDigits(a[i], b[i]),
                (true, false) => -1,
                (false, true) => 1,
                _ => VersionText.Ordinal(a[i], b[i]),
            };
            if (result != 0)
            {
                return result;
            }
        }

        return a.Length.CompareTo(b.Length);
    }
}
