using System.Diagnostics.CodeAnalysis;
using NuGet.Versioning;

namespace Gatehouse.Scanner.Versioning;

public sealed class NuGetPackageVersion : IComparableVersion
{
    internal NuGetPackageVersion(string text, NuGetVersion value)
    {
        Text = text;
        Value = value;
    }

    public string SchemeName => "nuget";

    public string Text { get; }

    public NuGetVersion Value { get; }

    public int CompareTo(IComparableVersion? other) => other switch
    {
        null => 1,
        NuGetPackageVersion v => Math.Sign(VersionComparer.Default.Compare(Value, v.Value)),
        _ => throw ComparableVersions.SchemeMismatch(this, other),
    };

    public override string ToString() => Text;
}

// NuGet versions, parsed and ordered by NuGet.Versioning itself (VersionComparer.Default:
// case-insensitive pre-release labels, metadata ignored, four-part legacy versions allowed).
public sealed class NuGetVersionScheme : VersionScheme<NuGetPackageVersion>
{
    public NuGetVersionScheme()
        : base("nuget")
    {
    }

    public static NuGetVersionScheme Default { get; } = new();

    private protected override bool TryParseCore(string text, [NotNullWhen(true)] out NuGetPackageVersion? version, [NotNullWhen(false)] out string? error)
    {
        if (NuGetVersion.TryParse(text, out NuGetVersion? parsed))
        {
            version = new NuGetPackageVersion(text, parsed);
            error = null;
            return true;
        }

        version = null;
        error = "not a NuGet version";
        return false;
    }

    private protected override int CompareParsed(NuGetPackageVersion a, NuGetPackageVersion b) => a.CompareTo(b);
}
