using System.Diagnostics.CodeAnalysis;

namespace Gatehouse.Scanner.Versioning;

// Debian package versions: [epoch:]upstream[-revision], ordered by dpkg's verrevcmp.
public sealed class DpkgVersionScheme : VersionScheme<DpkgVersion>
{
    public DpkgVersionScheme(DpkgParseMode mode = DpkgParseMode.Strict)
        : base("dpkg")
    {
        Mode = mode;
    }

    public static DpkgVersionScheme Strict { get; } = new(DpkgParseMode.Strict);

    public static DpkgVersionScheme DpkgTool { get; } = new(DpkgParseMode.DpkgTool);

    public static DpkgVersionScheme Lenient { get; } = new(DpkgParseMode.Lenient);

    public DpkgParseMode Mode { get; }

    private protected override bool TryParseCore(string text, [NotNullWhen(true)] out DpkgVersion? version, [NotNullWhen(false)] out string? error)
    {
        if (DpkgSyntax.TryParse(text, Mode, out DpkgParts parts, out error))
        {
            version = new DpkgVersion(text, parts);
            return true;
        }

        version = null;
        return false;
    }

    private protected override int CompareParsed(DpkgVersion a, DpkgVersion b) => a.CompareTo(b);

    // Allocation-free: both sides are parsed into offsets and compared in place.
    private protected override bool TryCompareCore(string a, string b, out int sign, out VersionFailure failure)
    {
        sign = 0;
        if (!TryParseParts("a", a, out DpkgParts pa, out failure) || !TryParseParts("b", b, out DpkgParts pb, out failure))
        {
            return false;
        }

        sign = DpkgSyntax.Compare(a, pa, b, pb);
        return true;
    }

    private bool TryParseParts(string side, string text, out DpkgParts parts, out VersionFailure failure)
    {
        string? error;
        if (IsPresent(text, out error) && DpkgSyntax.TryParse(text, Mode, out parts, out error))
        {
            failure = default;
            return true;
        }

        parts = default;
        failure = new VersionFailure(side, text, error);
        return false;
    }
}
