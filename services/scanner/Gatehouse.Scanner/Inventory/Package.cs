namespace Gatehouse.Scanner.Inventory;

/// <summary>One package found in an image. Immutable; catalogers build it, the engine fills <see cref="FoundBy"/>.</summary>
public sealed record Package
{
    private readonly string? _id;

    /// <summary>Name as the ecosystem spells it (dpkg binary package, npm name including scope, ...).</summary>
    public required string Name { get; init; }

    /// <summary>Version as declared; empty when the metadata declares none (never null).</summary>
    public required string Version { get; init; }

    /// <summary>purl type: <c>deb</c>, <c>apk</c>, <c>rpm</c>, <c>npm</c>, <c>nuget</c>, <c>pypi</c>, <c>maven</c>, <c>golang</c>, <c>gem</c>.</summary>
    public required string Type { get; init; }

    /// <summary>Package URL built with <see cref="PackageUrl"/> (percent-encoded, qualifiers sorted).</summary>
    public required string Purl { get; init; }

    /// <summary>Where the metadata that declared this package lives and which layer introduced it.</summary>
    public required PackageLocation Location { get; init; }

    /// <summary>Unique within one inventory; used as the SBOM bom-ref and as the target of <see cref="DependsOn"/>.
    /// Defaults to <c>purl</c> + <c>|</c> + location path, which is unique unless one metadata file declares
    /// the same purl twice.</summary>
    public string Id
    {
        get => _id ?? Purl + "|" + Location.Path;
        init => _id = value;
    }

    /// <summary>Name of the cataloger that produced it (set by the engine).</summary>
    public string FoundBy { get; init; } = "";

    public string? Architecture { get; init; }

    /// <summary>Source package (dpkg <c>Source:</c>, apk <c>origin</c>, rpm SOURCERPM) where the ecosystem has one.</summary>
    public SourcePackage? Source { get; init; }

    /// <summary>Declared licences, as written (SPDX expressions where the ecosystem uses them).</summary>
    public IReadOnlyList<string> Licenses { get; init; } = [];

    /// <summary><see cref="Id"/>s of packages of the same inventory this one depends on.</summary>
    public IReadOnlyList<string> DependsOn { get; init; } = [];

    /// <summary>Files the package installed (root-relative), when the metadata lists them.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>Ecosystem extras worth keeping in the SBOM (e.g. <c>dpkg:maintainer</c>); keys are namespaced.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = EmptyProperties;

    private static readonly IReadOnlyDictionary<string, string> EmptyProperties = new Dictionary<string, string>();
}

/// <summary>A source package and, when it differs from the binary's, its version.</summary>
public sealed record SourcePackage(string Name, string? Version);

/// <summary>A path in the image and the layer that introduced the package found there.</summary>
/// <param name="Path">Root-relative path of the metadata file, e.g. <c>var/lib/dpkg/status</c>.</param>
/// <param name="LayerIndex">0-based layer index (the base layer is 0).</param>
/// <param name="LayerDigest">Compressed blob digest from the manifest; null for <c>dir:</c> sources.</param>
/// <param name="DiffId">Digest of the uncompressed layer (config rootfs.diff_ids); null for <c>dir:</c> sources.</param>
public sealed record PackageLocation(string Path, int LayerIndex, string? LayerDigest, string? DiffId);
