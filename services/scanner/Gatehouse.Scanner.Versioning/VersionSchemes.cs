using System.Diagnostics.CodeAnalysis;

namespace Gatehouse.Scanner.Versioning;

// A lookup of version schemes by name or alias (case-insensitive). BuiltIn is the one explicit
// list of the schemes Gatehouse ships; construction rejects duplicate or dangling names.
public sealed class VersionSchemes
{
    private readonly Dictionary<string, IVersionScheme> byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly SortedDictionary<string, string> aliases = new(StringComparer.OrdinalIgnoreCase);

    public VersionSchemes(IEnumerable<IVersionScheme> schemes, IEnumerable<KeyValuePair<string, string>>? aliases = null)
    {
        ArgumentNullException.ThrowIfNull(schemes);
        var list = new List<IVersionScheme>();
        foreach (IVersionScheme scheme in schemes)
        {
            if (scheme is null || string.IsNullOrWhiteSpace(scheme.Name))
            {
                throw new ArgumentException("a version scheme is null or has no name", nameof(schemes));
            }

            if (!byName.TryAdd(scheme.Name, scheme))
            {
                throw new ArgumentException($"duplicate version scheme name '{scheme.Name}'", nameof(schemes));
            }

            list.Add(scheme);
        }

        foreach ((string alias, string target) in aliases ?? [])
        {
            if (string.IsNullOrWhiteSpace(alias) || byName.ContainsKey(alias) || this.aliases.ContainsKey(alias))
            {
                throw new ArgumentException($"alias '{alias}' is empty or duplicates a scheme name or another alias", nameof(aliases));
            }

            if (target is null || !byName.ContainsKey(target))
            {
                throw new ArgumentException($"alias '{alias}' refers to unknown version scheme '{target}'", nameof(aliases));
            }

            this.aliases.Add(alias, target);
        }

        list.Sort((x, y) => string.CompareOrdinal(x.Name, y.Name));
        Schemes = list;
    }

    public static VersionSchemes BuiltIn { get; } = new(
        [
            DpkgVersionScheme.Strict,
            ApkVersionScheme.Strict,
            RpmVersionScheme.Default,
            SemverVersionScheme.Node,
            SemverVersionScheme.NodeLoose,
            SemverVersionScheme.Go,
            SemverVersionScheme.Cargo,
            NuGetVersionScheme.Default,
            Pep440VersionScheme.Default,
            MavenVersionScheme.Default,
            RubyGemsVersionScheme.Default,
            GenericVersionScheme.Default,
        ],
        new Dictionary<string, string>
        {
            ["deb"] = "dpkg",
            ["alpine"] = "apk",
            ["npm"] = "semver",
            ["go"] = "semver-go",
            ["golang"] = "semver-go",
            ["cargo"] = "semver-cargo",
            ["crates.io"] = "semver-cargo",
            ["pypi"] = "pep440",
            ["gem"] = "rubygems",
            ["composer"] = "generic",
        });

    // Sorted by name.
    public IReadOnlyList<IVersionScheme> Schemes { get; }

    // alias -> scheme name, sorted by alias.
    public IReadOnlyDictionary<string, string> Aliases => aliases;

    public bool TryGet(string nameOrAlias, [NotNullWhen(true)] out IVersionScheme? scheme)
    {
        scheme = null;
        if (string.IsNullOrEmpty(nameOrAlias))
        {
            return false;
        }

        string name = aliases.TryGetValue(nameOrAlias, out string? target) ? target : nameOrAlias;
        return byName.TryGetValue(name, out scheme);
    }

    // OSV "ecosystem" values, with or without a release suffix ("Debian:12", "Alpine:v3.19").
    public bool TryGetForOsvEcosystem(string ecosystem, [NotNullWhen(true)] out IVersionScheme? scheme)
    {
        scheme = null;
        return OsvEcosystems.TryGetSchemeName(ecosystem, out string? name) && TryGet(name, out scheme);
    }

    // For error messages: "apk, dpkg, ... (aliases: alpine=apk, ...)".
    public string DescribeNames() =>
        string.Join(", ", Schemes.Select(s => s.Name))
        + (aliases.Count == 0 ? string.Empty : " (aliases: " + string.Join(", ", aliases.Select(a => $"{a.Key}={a.Value}")) + ")");
}
