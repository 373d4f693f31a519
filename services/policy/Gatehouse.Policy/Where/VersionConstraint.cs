using Gatehouse.Scanner.Versioning;

namespace Gatehouse.Policy.Where;

/// <summary>
/// <c>3.0.13</c> (exactly), or comparisons joined by commas (<c>&lt;3.0.14</c>, <c>&gt;=3.0,&lt;3.0.14</c>, <c>!=1.2</c>). Versions are
/// compared by the scheme of the package's purl type (dpkg for deb, pep440 for pypi…); a version the scheme cannot
/// parse never matches a range (the where-query reports such packages apart rather than guessing).
/// </summary>
public sealed record VersionConstraint(string Text, IReadOnlyList<(string Operator, string Version)> Terms)
{
    private static readonly string[] Operators = ["<=", ">=", "!=", "==", "<", ">", "="];

    public bool IsExact => Terms is [("=", _)];

    public static bool TryParse(string text, out VersionConstraint? constraint, out string? error)
    {
        constraint = null;
        error = null;
        var terms = new List<(string, string)>();
        foreach (var raw in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var op = Operators.FirstOrDefault(o => raw.StartsWith(o, StringComparison.Ordinal)) ?? "=";
            var version = raw[(raw.StartsWith(op, StringComparison.Ordinal) ? op.Length : 0)..].Trim();
            if (version.Length == 0)
            {
                error = $"'{text}' has an empty version";
                return false;
            }
            terms.Add((op == "==" ? "=" : op, version));
        }
        constraint = new VersionConstraint(text, terms);
        return true;
    }

    /// <summary>True when <paramref name="version"/> satisfies every term; null when it cannot be compared.</summary>
    public bool? Matches(string purlType, string version)
    {
        var scheme = SchemeFor(purlType);
        foreach (var (op, bound) in Terms)
        {
            int sign;
            if (op is "=" or "!=" && string.Equals(version, bound, StringComparison.Ordinal)) sign = 0;
            else if (!scheme.TryCompare(version, bound, out sign, out _)) return null;
            var ok = op switch
            {
                "<" => sign < 0,
                "<=" => sign <= 0,
                ">" => sign > 0,
                ">=" => sign >= 0,
                "!=" => sign != 0,
                _ => sign == 0,
            };
            if (!ok) return false;
        }
        return true;
    }

    private static IVersionScheme SchemeFor(string purlType) =>
        VersionSchemes.BuiltIn.TryGet(purlType, out var scheme) ? scheme
        : VersionSchemes.BuiltIn.TryGet("generic", out var generic) ? generic
        : throw new InvalidOperationException("the generic version scheme is missing");
}
