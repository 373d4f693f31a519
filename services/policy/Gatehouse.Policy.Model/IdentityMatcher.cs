using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Gatehouse.Policy.Model;

/// <summary>
/// An exact string or a regular expression for a certificate subject or issuer. Regexes are anchored at both
/// ends (policy-controller's unanchored match lets <c>.*@acme.com</c> accept <c>evil@acme.com.attacker.io</c>)
/// and run without backtracking, so a policy cannot make admission slow.
/// </summary>
public sealed class IdentityMatcher
{
    private readonly Regex? _regex;

    private IdentityMatcher(string? exact, string? pattern, Regex? regex)
    {
        Exact = exact;
        Pattern = pattern;
        _regex = regex;
    }

    public string? Exact { get; }

    /// <summary>The regex as written (it is matched as <c>^(?:pattern)$</c>).</summary>
    public string? Pattern { get; }

    public bool IsRegex => _regex is not null;

    public static IdentityMatcher ForExact(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        return new IdentityMatcher(value, null, null);
    }

    public static IdentityMatcher ForRegex(string pattern) =>
        TryRegex(pattern, out var matcher, out var error) ? matcher : throw new FormatException(error);

    public static bool TryRegex(string pattern, [NotNullWhen(true)] out IdentityMatcher? matcher, [NotNullWhen(false)] out string? error)
    {
        matcher = null;
        if (string.IsNullOrWhiteSpace(pattern))
        {
            error = "is empty";
            return false;
        }
        try
        {
            var regex = new Regex($"^(?:{pattern})$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
            matcher = new IdentityMatcher(null, pattern, regex);
            error = null;
            return true;
        }
        catch (NotSupportedException ex)
        {
            // Backreferences and lookarounds need backtracking; RE2 (cosign, policy-controller) rejects them too.
            error = $"'{pattern}' uses a construct without a linear-time match: {ex.Message}";
        }
        catch (ArgumentException ex)
        {
            error = $"'{pattern}' is not a valid regular expression: {ex.Message}";
        }
        return false;
    }

    public bool Matches(string? value) =>
        value is not null && (_regex?.IsMatch(value) ?? string.Equals(value, Exact, StringComparison.Ordinal));

    public string Describe() => Exact ?? $"matching /{Pattern}/";

    public override string ToString() => Describe();
}
