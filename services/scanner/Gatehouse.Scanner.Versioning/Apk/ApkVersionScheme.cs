using System.Diagnostics.CodeAnalysis;

namespace Gatehouse.Scanner.Versioning;

// Alpine/apk-tools versions. Strict (default): both versions must pass apk_version_validate.
// Lenient: apk_version_compare's behaviour, which never validates; a comparison still fails when
// it would be decided by a malformed token (e.g. "23_foo" > "4_beta" succeeds, "1_foo" vs "1" fails).
public sealed class ApkVersionScheme : VersionScheme<ApkVersion>
{
    private const int Less = 2;
    private const int Equal = 1;
    private const int Greater = 4;
    private const int Fuzzy = 8;

    public ApkVersionScheme(bool lenient = false)
        : base("apk")
    {
        IsLenient = lenient;
    }

    public static ApkVersionScheme Strict { get; } = new(lenient: false);

    public static ApkVersionScheme Lenient { get; } = new(lenient: true);

    public bool IsLenient { get; }

    // apk dependency operators: any combination of '<', '>', '=', '~' ("~" is fuzzy equal,
    // "<~"/">~" fuzzy bounds). Fuzzy equality means the constraint is a token prefix of the version.
    public bool TryMatch(string version, string op, string constraint, out bool matches, [NotNullWhen(false)] out string? error)
    {
        matches = false;
        if (!TryParseOperator(op, out int mask))
        {
            error = $"unknown apk version operator '{op}'";
            return false;
        }

        if (!TryCompareOutcome(version, constraint, (mask & Fuzzy) != 0, "version", "constraint", out ApkOutcome outcome, out VersionFailure failure))
        {
            error = failure.Message;
            return false;
        }

        int result = outcome switch
        {
            ApkOutcome.Less => Less,
            ApkOutcome.Greater => Greater,
            _ => Equal,
        };
        matches = (mask & (Less | Equal | Greater)) == (Less | Equal | Greater) || (result & mask) != 0;
        error = null;
        return true;
    }

    private protected override bool TryParseCore(string text, [NotNullWhen(true)] out ApkVersion? version, [NotNullWhen(false)] out string? error)
    {
        version = ApkComparison.Validate(text, out error) ? new ApkVersion(text) : null;
        return version is not null;
    }

    private protected override int CompareParsed(ApkVersion a, ApkVersion b) => a.CompareTo(b);

    private protected override bool TryCompareCore(string a, string b, out int sign, out VersionFailure failure)
    {
        bool compared = TryCompareOutcome(a, b, fuzzy: false, "a", "b", out ApkOutcome outcome, out failure);
        sign = compared ? ApkComparison.ToSign(outcome) : 0;
        return compared;
    }

    private bool TryCompareOutcome(string a, string b, bool fuzzy, string sideA, string sideB, out ApkOutcome outcome, out VersionFailure failure)
    {
        outcome = ApkOutcome.Equal;
        if (!CheckSide(sideA, a, out failure) || !CheckSide(sideB, b, out failure))
        {
            return false;
        }

        outcome = ApkComparison.Compare(a, b, fuzzy);
        if (outcome is ApkOutcome.MalformedA or ApkOutcome.MalformedB)
        {
            (string side, string text) = outcome == ApkOutcome.MalformedA ? (sideA, a) : (sideB, b);
            ApkComparison.Validate(text, out string? reason);
            failure = new VersionFailure(side, text, reason ?? "malformed apk version");
            return false;
        }

        return true;
    }

    private bool CheckSide(string side, string text, out VersionFailure failure)
    {
        string? error;
        bool ok = IsPresent(text, out error)
            && (IsLenient ? ApkComparison.IsAscii(text, out error) : ApkComparison.Validate(text, out error));
        failure = ok ? default : new VersionFailure(side, text, error!);
        return ok;
    }

    // apk_version_result_mask_blob.
    private static bool TryParseOperator(string? op, out int mask)
    {
        mask = 0;
        if (string.IsNullOrEmpty(op))
        {
            return false;
        }

        foreach (char c in op)
        {
            mask |= c switch
            {
                '<' => Less,
                '>' => Greater,
                '=' => Equal,
                '~' => Fuzzy | Equal,
                _ => -1,
            };
            if (mask < 0)
            {
                return false;
            }
        }

        return true;
    }
}
