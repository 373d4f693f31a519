using System.Diagnostics.CodeAnalysis;

namespace Gatehouse.Scanner.Versioning;

// One ecosystem's version ordering. Bad version text is reported through the Try* methods;
// only Compare throws (InvalidVersionException), because its contract is "both sides are valid".
public interface IVersionScheme
{
    // Registry name, e.g. "dpkg", "semver", "pep440".
    string Name { get; }

    // Implementation version of this comparer; bump when its ordering changes so stored
    // match results can be traced to the comparer that produced them.
    string Version { get; }

    bool TryParse(string text, [NotNullWhen(true)] out IComparableVersion? version, [NotNullWhen(false)] out string? error);

    // sign is -1, 0 or 1. On failure the error names the invalid side: "invalid version 'a' ('1:'): ...".
    bool TryCompare(string a, string b, out int sign, [NotNullWhen(false)] out string? error);

    // Throws InvalidVersionException naming the invalid side.
    int Compare(string a, string b);
}

// A parsed version. Comparing versions of different schemes is a programming error (ArgumentException).
public interface IComparableVersion : IComparable<IComparableVersion>
{
    string SchemeName { get; }

    // The text as given to TryParse.
    string Text { get; }
}
