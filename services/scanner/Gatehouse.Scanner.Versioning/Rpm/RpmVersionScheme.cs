using System.Diagnostics.CodeAnalysis;

namespace Gatehouse.Scanner.Versioning;

// RPM [epoch:]version[-release] ordered by rpmverCmp/rpmvercmp. Version and release may use the
// characters rpmbuild allows (letters, digits, "._+%{}~^"); anything else is rejected.
public sealed class RpmVersionScheme : VersionScheme<RpmVersion>
{
    public RpmVersionScheme()
        : base("rpm")
    {
    }

    public static RpmVersionScheme Default { get; } = new();

    private protected override bool TryParseCore(string text, [NotNullWhen(true)] out RpmVersion? version, [NotNullWhen(false)] out string? error)
    {
        version = RpmSyntax.TryParse(text, out RpmParts parts, out error) ? new RpmVersion(text, parts) : null;
        return version is not null;
    }

    private protected override int CompareParsed(RpmVersion a, RpmVersion b) => a.CompareTo(b);

    private protected override bool TryCompareCore(string a, string b, out int sign, out VersionFailure failure)
    {
        sign = 0;
        if (!TryParseParts("a", a, out RpmParts pa, out failure) || !TryParseParts("b", b, out RpmParts pb, out failure))
        {
            return false;
        }

        sign = Math.Sign(RpmSyntax.Compare(a, pa, b, pb));
        return true;
    }

    private static bool TryParseParts(string side, string text, out RpmParts parts, out VersionFailure failure)
    {
        string? error;
        if (IsPresent(text, out error) && RpmSyntax.TryParse(text, out parts, out error))
        {
            failure = default;
            return true;
        }

        parts = default;
        failure = new VersionFailure(side, text, error);
        return false;
    }
}
