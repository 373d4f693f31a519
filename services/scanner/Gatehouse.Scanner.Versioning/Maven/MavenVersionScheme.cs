using System.Diagnostics.CodeAnalysis;

namespace Gatehouse.Scanner.Versioning;

public sealed class MavenVersion : IComparableVersion
{
    private readonly MavenListItem items;

    internal MavenVersion(string text, MavenListItem items)
    {
        Text = text;
        this.items = items;
    }

    public string SchemeName => "maven";

    public string Text { get; }

    public int CompareTo(IComparableVersion? other) => other switch
    {
        null => 1,
        MavenVersion v => Math.Sign(items.CompareTo(v.items)),
        _ => throw ComparableVersions.SchemeMismatch(this, other),
    };

    public override string ToString() => Text;
}

// Maven versions ordered by ComparableVersion as in Maven 4's compat module (MNG-7644,
// MNG-7714, ASCII-only digits). Any string Maven accepts is valid, up to 256 characters.
public sealed class MavenVersionScheme : VersionScheme<MavenVersion>
{
    public MavenVersionScheme()
        : base("maven")
    {
    }

    public static MavenVersionScheme Default { get; } = new();

    private protected override bool TryParseCore(string text, [NotNullWhen(true)] out MavenVersion? version, [NotNullWhen(false)] out string? error)
    {
        version = MavenVersionParser.TryParse(text, out MavenListItem? items, out error) ? new MavenVersion(text, items) : null;
        return version is not null;
    }

    private protected override int CompareParsed(MavenVersion a, MavenVersion b) => a.CompareTo(b);
}
