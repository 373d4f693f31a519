namespace Gatehouse.Scanner.Versioning;

public sealed class DpkgVersion : IComparableVersion
{
    private readonly DpkgParts parts;

    internal DpkgVersion(string text, DpkgParts parts)
    {
        Text = text;
        this.parts = parts;
    }

    public string SchemeName => "dpkg";

    public string Text { get; }

    public int Epoch => parts.Epoch;

    public string Upstream => parts.Upstream(Text).ToString();

    // Empty when the version has no revision.
    public string Revision => parts.Revision(Text).ToString();

    public bool HasRevision => parts.HasRevision;

    // dpkg's syntax warning for this version (only possible outside DpkgParseMode.Strict).
    public string? Warning => parts.Warning;

    public int CompareTo(IComparableVersion? other) => other switch
    {
        null => 1,
        DpkgVersion d => DpkgSyntax.Compare(Text, parts, d.Text, d.parts),
        _ => throw ComparableVersions.SchemeMismatch(this, other),
    };

    public override string ToString() => Text;
}
