using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.RegularExpressions;
using Gatehouse.Contracts;

namespace Gatehouse.Policy.Model;

/// <summary>
/// An approved <c>registry/repository</c> glob, matched against normalized references
/// (<c>debian</c> is <c>docker.io/library/debian</c>): <c>*</c> matches within one path component,
/// <c>**</c> across components, <c>?</c> one character. The registry host is always part of the pattern,
/// so <c>acme/*</c> cannot silently match on any registry.
/// </summary>
public sealed class RegistryPattern
{
    private readonly Regex _regex;

    private RegistryPattern(string pattern, Regex regex)
    {
        Pattern = pattern;
        _regex = regex;
    }

    /// <summary>The pattern as normalized (<c>index.docker.io</c> → <c>docker.io</c>, official images under <c>library/</c>).</summary>
    public string Pattern { get; }

    public bool Matches(ImageReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return Matches(reference.FullName);
    }

    /// <param name="fullName"><c>registry/repository</c> as <see cref="ImageReference.FullName"/> gives it.</param>
    public bool Matches(string fullName) => _regex.IsMatch(fullName.ToLowerInvariant());

    public override string ToString() => Pattern;

    public static RegistryPattern Parse(string pattern) =>
        TryParse(pattern, out var parsed, out var error) ? parsed : throw new FormatException(error);

    public static bool TryParse(string? pattern, [NotNullWhen(true)] out RegistryPattern? parsed, [NotNullWhen(false)] out string? error)
    {
        parsed = null;
        error = Check(pattern);
        if (error is not null) return false;
        var normalized = Normalize(pattern!);
        parsed = new RegistryPattern(normalized, ToRegex(normalized));
        return true;
    }

    private static string? Check(string? pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern)) return "registry pattern is empty";
        var bad = pattern.FirstOrDefault(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-' or '_' or '/' or ':' or '*' or '?'));
        if (bad != default)
        {
            return bad == '@'
                ? $"registry pattern '{pattern}' names a digest; patterns match registry/repository only"
                : $"registry pattern '{pattern}' contains '{bad}' (allowed: lowercase letters, digits, '.', '-', '_', '/', ':', '*', '?')";
        }
        var slash = pattern.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
            return $"registry pattern '{pattern}' has no repository part; write e.g. '{pattern.TrimEnd('/')}/**' for every repository of a registry";
        if (pattern.EndsWith('/') || pattern.Contains("//", StringComparison.Ordinal))
            return $"registry pattern '{pattern}' has an empty path component";
        if (pattern.Contains("***", StringComparison.Ordinal))
            return $"registry pattern '{pattern}' has '***'; use '*' (one component) or '**' (any depth)";
        if (pattern.AsSpan(slash + 1).Contains(':'))
            return $"registry pattern '{pattern}' names a tag; patterns match registry/repository only";
        foreach (var component in pattern.Split('/'))
        {
            if (component.Contains("**", StringComparison.Ordinal) && component != "**")
                return $"registry pattern '{pattern}' uses '**' inside the component '{component}'; '**' must stand alone between slashes";
        }
        return null;
    }

    private static string Normalize(string pattern)
    {
        var slash = pattern.IndexOf('/', StringComparison.Ordinal);
        var host = pattern[..slash];
        var path = pattern[(slash + 1)..];
        if (host == "index.docker.io") host = ImageReference.DefaultRegistry;
        // docker.io/debian means the official image, which references normalize to docker.io/library/debian.
        if (host == ImageReference.DefaultRegistry && !path.Contains('/', StringComparison.Ordinal) && path != "**")
            path = "library/" + path;
        return host + "/" + path;
    }

    private static Regex ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                regex.Append(".+");
                i++;
            }
            else if (c == '*') regex.Append("[^/]*");
            else if (c == '?') regex.Append("[^/]");
            else regex.Append(Regex.Escape(c.ToString()));
        }
        regex.Append('$');
        return new Regex(regex.ToString(), RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
    }
}
