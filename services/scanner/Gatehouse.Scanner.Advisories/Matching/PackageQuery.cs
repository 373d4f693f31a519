using System.Diagnostics.CodeAnalysis;
using Gatehouse.Scanner.Advisories.Ecosystems;

namespace Gatehouse.Scanner.Advisories.Matching;

// A package to match: the OSV ecosystem it lives in (with release for OS packages: "Debian:12",
// "Alpine:v3.19", "Ubuntu:22.04"), its name and version as installed, and for OS packages the
// source package that distro advisories name.
public sealed record PackageQuery
{
    public required string Ecosystem { get; init; }

    public required string Name { get; init; }

    public required string Version { get; init; }

    public string? Purl { get; init; }

    public string? SourceName { get; init; }

    // Source version when it differs from the binary's (binNMUs, "+b1"); else the binary version is used.
    public string? SourceVersion { get; init; }

    // The version-less purl advisories for this package are announced under (AdvisoriesUpdated):
    // the source package for OS packages, e.g. pkg:deb/debian/openssl for libssl3.
    public string Identity(EcosystemRegistry? registry = null)
    {
        registry ??= EcosystemRegistry.BuiltIn;
        bool os = registry.TryFind(Ecosystem, out IEcosystem? ecosystem, out _) && ecosystem.IsOperatingSystem;
        return registry.IdentityOf(Ecosystem, os && !string.IsNullOrWhiteSpace(SourceName) ? SourceName : Name);
    }

    // Builds a query from a purl as the scanner writes it: the distro qualifier gives the release
    // (distro=debian-12.5 -> "Debian:12"), epoch is folded into the version, and Syft's
    // "upstream" qualifier stands in for the source package when none is given.
    public static bool TryFromPurl(
        string purl,
        [NotNullWhen(true)] out PackageQuery? query,
        [NotNullWhen(false)] out string? error,
        string? sourceName = null,
        string? sourceVersion = null,
        EcosystemRegistry? registry = null)
    {
        registry ??= EcosystemRegistry.BuiltIn;
        query = null;
        if (!PackageUrlText.TryParse(purl, out ParsedPurl? parsed) || parsed is null)
        {
            error = $"'{purl}' is not a package URL";
            return false;
        }

        if (string.IsNullOrWhiteSpace(parsed.Version))
        {
            error = $"'{purl}' has no version";
            return false;
        }

        if (!registry.TryFindByPurl(parsed.Type, parsed.Namespace, out IEcosystem? ecosystem))
        {
            error = $"no OSV ecosystem for purl type '{parsed.Type}'";
            return false;
        }

        string version = parsed.Qualifiers.TryGetValue("epoch", out string? epoch) && !parsed.Version.Contains(':', StringComparison.Ordinal)
            ? epoch + ":" + parsed.Version
            : parsed.Version;
        string osvEcosystem = ecosystem.Name;
        if (ecosystem is DistroEcosystem distro)
        {
            osvEcosystem = distro.Key(ReleaseOf(parsed, distro));
            if (sourceName is null && parsed.Qualifiers.TryGetValue("upstream", out string? upstream))
            {
                (sourceName, sourceVersion) = SplitUpstream(upstream, sourceVersion);
            }
        }

        query = new PackageQuery
        {
            Ecosystem = osvEcosystem,
            Name = LanguageName(parsed),
            Version = version,
            Purl = purl,
            SourceName = sourceName,
            SourceVersion = sourceVersion,
        };
        error = null;
        return true;
    }

    private static string? ReleaseOf(ParsedPurl purl, DistroEcosystem distro)
    {
        if (!purl.Qualifiers.TryGetValue("distro", out string? value) || value.Length == 0)
        {
            return null;
        }

        // "debian-12.5", "alpine-3.19.1", "ubuntu-22.04": drop the distro id before the release.
        string prefix = (purl.Namespace ?? distro.PurlNamespace ?? string.Empty) + "-";
        string release = value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? value[prefix.Length..] : value;
        return distro.CanonicalRelease(release);
    }

    private static string LanguageName(ParsedPurl purl) => purl.Type switch
    {
        "maven" when purl.Namespace is not null => purl.Namespace.Replace('/', '.') + ":" + purl.Name,
        "npm" or "golang" or "composer" when purl.Namespace is not null => purl.Namespace + "/" + purl.Name,
        _ => purl.Name,
    };

    private static (string Name, string? Version) SplitUpstream(string upstream, string? version)
    {
        int at = upstream.IndexOf('@', StringComparison.Ordinal);
        if (at > 0)
        {
            return (upstream[..at], version ?? upstream[(at + 1)..]);
        }

        int paren = upstream.IndexOf(" (", StringComparison.Ordinal);
        return paren > 0 ? (upstream[..paren], version ?? upstream[(paren + 2)..].TrimEnd(')')) : (upstream, version);
    }
}
