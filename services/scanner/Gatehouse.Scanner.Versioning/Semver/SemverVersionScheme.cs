using System.Diagnostics.CodeAnalysis;

namespace Gatehouse.Scanner.Versioning;

// Semantic versions (npm, Go modules, crates.io), one instance per dialect.
public sealed class SemverVersionScheme : VersionScheme<SemverVersion>
{
    public SemverVersionScheme(SemverDialect dialect)
        : base(NameOf(dialect))
    {
        Dialect = dialect;
    }

    public static SemverVersionScheme Node { get; } = new(SemverDialect.Node);

    public static SemverVersionScheme NodeLoose { get; } = new(SemverDialect.NodeLoose);

    public static SemverVersionScheme Go { get; } = new(SemverDialect.Go);

    public static SemverVersionScheme Cargo { get; } = new(SemverDialect.Cargo);

    public SemverDialect Dialect { get; }

    private protected override bool TryParseCore(string text, [NotNullWhen(true)] out SemverVersion? version, [NotNullWhen(false)] out string? error) =>
        SemverParser.TryParse(text, Dialect, Name, out version, out error);

    private protected override int CompareParsed(SemverVersion a, SemverVersion b) => a.CompareTo(b);

    private static string NameOf(SemverDialect dialect) => dialect switch
    {
        SemverDialect.Node => "semver",
        SemverDialect.NodeLoose => "semver-loose",
        SemverDialect.Go => "semver-go",
        SemverDialect.Cargo => "semver-cargo",
        _ => throw new ArgumentOutOfRangeException(nameof(dialect), dialect, "unknown semver dialect"),
    };
}
