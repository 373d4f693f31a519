using System.Diagnostics.CodeAnalysis;

namespace Gatehouse.Scanner.Versioning;

// Plumbing shared by every scheme: null/empty checks, side-naming of failures, Compare's exception.
// Derived schemes supply parsing and ordering; those with a span-based comparer override
// TryCompareCore so the hot path does not allocate.
public abstract class VersionScheme<TVersion> : IVersionScheme
    where TVersion : class, IComparableVersion
{
    private protected VersionScheme(string name)
    {
        Name = name;
    }

    public string Name { get; }

    public virtual string Version => "1";

    public bool TryParse(string text, [NotNullWhen(true)] out IComparableVersion? version, [NotNullWhen(false)] out string? error)
    {
        bool parsed = TryParseVersion(text, out TVersion? typed, out error);
        version = typed;
        return parsed;
    }

    public bool TryParseVersion(string text, [NotNullWhen(true)] out TVersion? version, [NotNullWhen(false)] out string? error)
    {
        if (!IsPresent(text, out error))
        {
            version = null;
            return false;
        }

        return TryParseCore(text, out version, out error);
    }

    public bool TryCompare(string a, string b, out int sign, [NotNullWhen(false)] out string? error)
    {
        if (TryCompareCore(a, b, out sign, out VersionFailure failure))
        {
            error = null;
            return true;
        }

        error = failure.Message;
        return false;
    }

    public int Compare(string a, string b)
    {
        if (TryCompareCore(a, b, out int sign, out VersionFailure failure))
        {
            return sign;
        }

        throw new InvalidVersionException(Name, failure.Side, failure.Text, failure.Reason);
    }

    public override string ToString() => Name;

    private protected abstract bool TryParseCore(string text, [NotNullWhen(true)] out TVersion? version, [NotNullWhen(false)] out string? error);

    private protected abstract int CompareParsed(TVersion a, TVersion b);

    private protected virtual bool TryCompareCore(string a, string b, out int sign, out VersionFailure failure)
    {
        sign = 0;
        if (!TryParseVersion(a, out TVersion? left, out string? error))
        {
            failure = new VersionFailure("a", a, error);
            return false;
        }

        if (!TryParseVersion(b, out TVersion? right, out error))
        {
            failure = new VersionFailure("b", b, error);
            return false;
        }

        failure = default;
        sign = Math.Sign(CompareParsed(left, right));
        return true;
    }

    // Every scheme rejects null, empty and whitespace-only text the same way.
    private protected static bool IsPresent([NotNullWhen(true)] string? text, [NotNullWhen(false)] out string? error)
    {
        if (text is null)
        {
            error = "version is null";
            return false;
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            error = "version is empty";
            return false;
        }

        error = null;
        return true;
    }
}

// Shared CompareTo behaviour for the parsed version types.
internal static class ComparableVersions
{
    public static ArgumentException SchemeMismatch(IComparableVersion self, IComparableVersion other) =>
        new($"cannot compare a {self.SchemeName} version with a {other.SchemeName} version", nameof(other));
}
