namespace Gatehouse.Scanner.CycloneDx;

/// <summary>The <c>gatehouse:</c> property vocabulary of Gatehouse SBOMs. Readers (drift, re-evaluation)
/// depend on these names, so they only ever get added to.</summary>
public static class BomPropertyNames
{
    public const string Prefix = "gatehouse:";

    // Components.
    public const string Cataloger = "gatehouse:cataloger";
    public const string LocationPath = "gatehouse:location:path";
    public const string LocationLayer = "gatehouse:location:layer";
    public const string LocationLayerDigest = "gatehouse:location:layerDigest";
    public const string LocationDiffId = "gatehouse:location:diffId";
    public const string SourceName = "gatehouse:source:name";
    public const string SourceVersion = "gatehouse:source:version";
    public const string Architecture = "gatehouse:arch";

    /// <summary>Package property a cataloger sets to <see cref="ApplicationRole"/> on the package a
    /// metadata file is about (npm lock root, deps.json project, Go main module): written as a CycloneDX
    /// <c>application</c> rather than a <c>library</c>.</summary>
    public const string Role = "gatehouse:role";
    public const string ApplicationRole = "application";

    // Tool component.
    public const string CatalogerSetVersion = "gatehouse:catalogerSetVersion";
    public const string CatalogerVersionPrefix = "gatehouse:cataloger:";

    // Image component.
    public const string ImageReference = "gatehouse:image:reference";
    public const string ImageConfigDigest = "gatehouse:image:configDigest";
    public const string ImagePlatform = "gatehouse:image:platform";

    // Distro component.
    public const string DistroId = "gatehouse:distro:id";
    public const string DistroVersionId = "gatehouse:distro:versionId";
    public const string DistroCodename = "gatehouse:distro:codename";
    public const string DistroIdLike = "gatehouse:distro:idLike";
    public const string DistroSourcePath = "gatehouse:distro:sourcePath";

    /// <summary>Metadata: <c>gatehouse:layer:&lt;index&gt;</c> = blob digest, base layer first.</summary>
    public static string Layer(int index) => $"gatehouse:layer:{index}";

    /// <summary>Metadata: <c>gatehouse:layer:&lt;index&gt;:diffId</c> = uncompressed digest.</summary>
    public static string LayerDiffId(int index) => $"gatehouse:layer:{index}:diffId";

    /// <summary>Metadata: <c>gatehouse:problem:&lt;index&gt;:&lt;field&gt;</c> (code, source, path, layer, message).</summary>
    public static string Problem(int index, string field) => $"gatehouse:problem:{index}:{field}";

    /// <summary>Package extras keep their ecosystem namespace under ours: <c>dpkg:maintainer</c> becomes
    /// <c>gatehouse:dpkg:maintainer</c>.</summary>
    public static string ForPackageProperty(string key) =>
        key.StartsWith(Prefix, StringComparison.Ordinal) ? key : Prefix + key;
}
