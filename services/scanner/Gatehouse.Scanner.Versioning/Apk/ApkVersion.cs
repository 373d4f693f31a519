namespace Gatehouse.Scanner.Versioning;

public sealed class ApkVersion : IComparableVersion
{
    internal ApkVersion(string text)
    {
        Text = text;
    }

    public string SchemeName => "apk";

    public string Text { get; }

    public int CompareTo(IComparableVersion? other) => other switch
    {
        null => 1,
        ApkVersion v => ApkComparison.ToSign(ApkComparison.Compare(Text, v.Text, fuzzy: false)),
        _ => throw ComparableVersions.SchemeMismatch(this, other),
    };

    public override string ToString() => Text;
}
