namespace Gatehouse.Scanner.Versioning;

public sealed class RpmVersion : IComparableVersion
{
    private readonly RpmParts parts;

    internal RpmVersion(string text, RpmParts parts)
    {
        Text = text;
        this.parts = parts;
    }

    public string SchemeName => "rpm";

    public string Text { get; }

    // "0" when the text has no epoch (rpm compares a missing epoch as 0).
    public string Epoch => parts.Epoch(Text).ToString();

    public string VersionPart => parts.Version(Text).ToString();

    // Null when the text has no release.
    public string? Release => parts.HasRelease ? parts.Release(Text).ToString() : null;

    public int CompareTo(IComparableVersion? other) => other switch
    {
        null => 1,
        RpmVersion v => RpmSyntax.Compare(Text, parts, v.Text, v.parts),
        _ => throw ComparableVersions.SchemeMismatch(this, other),
    };

    public override string ToString() => Text;
}
