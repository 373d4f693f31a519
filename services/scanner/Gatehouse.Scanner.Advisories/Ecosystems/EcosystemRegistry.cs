using System.Diagnostics.CodeAnalysis;

namespace Gatehouse.Scanner.Advisories.Ecosystems;

// Where advisories for a package are filed: the ecosystem key ("Debian:12", "npm") and the
// normalized package name. Ordinal equality, so it is a cheap dictionary key.
public readonly record struct PackageKey(string Ecosystem, string Name)
{
    public override string ToString() => Ecosystem + "/" + Name;
}

// The one explicit list of ecosystems Gatehouse knows (BuiltIn), looked up by OSV ecosystem
// string or by purl type and namespace. Duplicate names are rejected at construction.
public sealed class EcosystemRegistry
{
    private readonly Dictionary<string, IEcosystem> byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, IEcosystem> byPurl = new(StringComparer.Ordinal);

    public EcosystemRegistry(IEnumerable<IEcosystem> ecosystems)
    {
        ArgumentNullException.ThrowIfNull(ecosystems);
        var list = new List<IEcosystem>();
        foreach (IEcosystem ecosystem in ecosystems)
        {
            if (ecosystem is null || string.IsNullOrWhiteSpace(ecosystem.Name) || string.IsNullOrWhiteSpace(ecosystem.Version))
            {
                throw new ArgumentException("an ecosystem is null or has no name or version", nameof(ecosystems));
            }

            if (!byName.TryAdd(ecosystem.Name, ecosystem))
            {
                throw new ArgumentException($"duplicate ecosystem name '{ecosystem.Name}'", nameof(ecosystems));
            }

            // The first ecosystem listed for a purl type/namespace wins the reverse mapping.
            byPurl.TryAdd(PurlKey(ecosystem.PurlType, ecosystem.PurlNamespace), ecosystem);
            list.Add(ecosystem);
        }

        Ecosystems = list;
        RulesVersion = string.Join(",", list.Select(e => e.Name + "@" + e.Version).Order(StringComparer.Ordinal));
    }

    public static EcosystemRegistry BuiltIn { get; } = new(
    [
        new DistroEcosystem("Debian", "deb", "debian", ReleaseStyle.MajorNumber, lowerCaseNames: true),
        new DistroEcosystem("Ubuntu", "deb", "ubuntu", ReleaseStyle.UbuntuSeries, lowerCaseNames: true),
        new DistroEcosystem("Alpine", "apk", "alpine", ReleaseStyle.AlpineBranch),
        new DistroEcosystem("Alpaquita", "apk", "alpaquita", ReleaseStyle.AsWritten),
        new DistroEcosystem("Wolfi", "apk", "wolfi", ReleaseStyle.AsWritten, PackageNaming.SourceOrBinary),
        new DistroEcosystem("Chainguard", "apk", "chainguard", ReleaseStyle.AsWritten, PackageNaming.SourceOrBinary),
        new DistroEcosystem("MinimOS", "apk", "minimos", ReleaseStyle.AsWritten, PackageNaming.SourceOrBinary),
        new DistroEcosystem("Red Hat", "rpm", "redhat", ReleaseStyle.AsWritten, PackageNaming.SourceOrBinary),
        new DistroEcosystem("Rocky Linux", "rpm", "rocky", ReleaseStyle.MajorNumber),
        new DistroEcosystem("AlmaLinux", "rpm", "almalinux", ReleaseStyle.MajorNumber),
        new DistroEcosystem("SUSE", "rpm", "suse", ReleaseStyle.AsWritten),
        new DistroEcosystem("openSUSE", "rpm", "opensuse", ReleaseStyle.AsWritten),
        new DistroEcosystem("Azure Linux", "rpm", "azurelinux", ReleaseStyle.AsWritten),
        new DistroEcosystem("Photon OS", "rpm", "photon", ReleaseStyle.AsWritten, PackageNaming.SourceOrBinary),
        new DistroEcosystem("Mageia", "rpm", "mageia", ReleaseStyle.AsWritten),
        new DistroEcosystem("openEuler", "rpm", "openeuler", ReleaseStyle.AsWritten),
        new PyPiEcosystem(),
        new NpmEcosystem(),
        new MavenEcosystem(),
        new NuGetEcosystem(),
        new GoEcosystem(),
        new CaseInsensitiveEcosystem("crates.io", "cargo"),
        new CaseInsensitiveEcosystem("Packagist", "composer", slashIsNamespace: true),
        new CaseInsensitiveEcosystem("Hex", "hex"),
        new CaseInsensitiveEcosystem("Pub", "pub"),
        new CaseSensitiveEcosystem("RubyGems", "gem"),
        new CaseSensitiveEcosystem("Hackage", "hackage"),
        new CaseSensitiveEcosystem("CRAN", "cran"),
        new CaseSensitiveEcosystem("SwiftURL", "swift"),
    ]);

    public IReadOnlyList<IEcosystem> Ecosystems { get; }

    // Changes whenever an ecosystem's rules do; stores index with it and re-index on mismatch.
    public string RulesVersion { get; }

    // "Debian:12" -> Debian, suffix "12"; "Maven:https://maven.google.com" -> Maven, suffix the URL.
    public bool TryFind(string? osvEcosystem, [NotNullWhen(true)] out IEcosystem? ecosystem, out string? suffix)
    {
        ecosystem = null;
        suffix = null;
        if (string.IsNullOrWhiteSpace(osvEcosystem))
        {
            return false;
        }

        int colon = osvEcosystem.IndexOf(':', StringComparison.Ordinal);
        string baseName = (colon < 0 ? osvEcosystem : osvEcosystem[..colon]).Trim();
        suffix = colon < 0 ? null : osvEcosystem[(colon + 1)..];
        return byName.TryGetValue(baseName, out ecosystem);
    }

    // Unknown ecosystems are filed under the text as written, names compared exactly.
    public PackageKey KeyOf(string osvEcosystem, string name)
    {
        ArgumentNullException.ThrowIfNull(osvEcosystem);
        ArgumentNullException.ThrowIfNull(name);
        return TryFind(osvEcosystem, out IEcosystem? ecosystem, out string? suffix)
            ? new PackageKey(ecosystem.Key(suffix), ecosystem.NormalizeName(name))
            : new PackageKey(osvEcosystem.Trim(), name.Trim());
    }

    public string IdentityOf(string osvEcosystem, string name)
    {
        ArgumentNullException.ThrowIfNull(osvEcosystem);
        ArgumentNullException.ThrowIfNull(name);
        return TryFind(osvEcosystem, out IEcosystem? ecosystem, out _)
            ? ecosystem.Identity(ecosystem.NormalizeName(name))
            : PackageUrlText.Create("generic", null, name.Trim());
    }

    public bool TryFindByPurl(string type, string? purlNamespace, [NotNullWhen(true)] out IEcosystem? ecosystem)
    {
        ArgumentNullException.ThrowIfNull(type);
        return byPurl.TryGetValue(PurlKey(type.ToLowerInvariant(), purlNamespace?.ToLowerInvariant()), out ecosystem)
            || byPurl.TryGetValue(PurlKey(type.ToLowerInvariant(), null), out ecosystem);
    }

    private static string PurlKey(string type, string? purlNamespace) => type + "/" + (purlNamespace ?? string.Empty);
}
