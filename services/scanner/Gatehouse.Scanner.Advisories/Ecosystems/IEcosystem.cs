namespace Gatehouse.Scanner.Advisories.Ecosystems;

// One OSV ecosystem's rules: how its package names compare, which key its advisories are indexed
// under, and how a package is named as a version-less purl (the identity AdvisoriesUpdated carries).
public interface IEcosystem
{
    // OSV base ecosystem name as the schema spells it: "PyPI", "Debian", "crates.io".
    string Name { get; }

    // Bump when normalization or keys change: a store built with other rules must be re-indexed.
    string Version { get; }

    string PurlType { get; }

    // Fixed purl namespace for distro packages ("debian"); null where the name carries it.
    string? PurlNamespace { get; }

    // Distro ecosystems: advisories name source packages and are scoped by release.
    bool IsOperatingSystem { get; }

    // Which package name distro advisories use; language ecosystems always use the package name.
    PackageNaming Naming { get; }

    // The name advisories and installed packages are compared by.
    string NormalizeName(string name);

    // Installed-version text as the advisories write it (e.g. Go's "go1.22.1" -> "1.22.1").
    string NormalizeVersion(string version);

    // The index key for an ecosystem string with this base: distros keep their canonical release
    // ("Debian:12", "Ubuntu:22.04", "Alpine:v3.19"); language ecosystems drop registry suffixes.
    string Key(string? suffix);

    // Version-less purl for a normalized name, e.g. pkg:deb/debian/openssl, pkg:npm/%40scope/name.
    string Identity(string normalizedName);
}

public enum PackageNaming
{
    // Advisories name the source package (Debian, Ubuntu, Alpine): look up by source only.
    Source,

    // Advisories may name either (Red Hat, Wolfi): look up by source and by binary name.
    SourceOrBinary,
}

// Defaults shared by all ecosystems; subclasses override what differs.
public abstract class Ecosystem : IEcosystem
{
    protected Ecosystem(string name, string purlType, string? purlNamespace = null)
    {
        Name = name;
        PurlType = purlType;
        PurlNamespace = purlNamespace;
    }

    public string Name { get; }

    public virtual string Version => "1";

    public string PurlType { get; }

    public string? PurlNamespace { get; }

    public virtual bool IsOperatingSystem => false;

    public virtual PackageNaming Naming => PackageNaming.Source;

    public virtual string NormalizeName(string name) => name.Trim();

    public virtual string NormalizeVersion(string version) => version.Trim();

    public virtual string Key(string? suffix) => Name;

    public virtual string Identity(string normalizedName) => PackageUrlText.Create(PurlType, PurlNamespace, normalizedName);

    public override string ToString() => Name;
}
