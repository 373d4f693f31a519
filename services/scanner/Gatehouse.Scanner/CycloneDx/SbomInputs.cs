using Gatehouse.Scanner.Inventory;

namespace Gatehouse.Scanner.CycloneDx;

/// <summary>The scanned image as the SBOM describes it.</summary>
/// <param name="Name">Display name: <c>registry/repository</c> for registry images, else the source reference.</param>
/// <param name="Repository"><c>registry/repository</c> when the image came from (or is bound for) a registry; the
/// purl's <c>repository_url</c>.</param>
/// <param name="Digest">Manifest digest (<c>sha256:…</c>); null for <c>dir:</c> sources.</param>
/// <param name="Reference">The reference the scan was asked for, as given.</param>
/// <param name="Layers">Layers in manifest order.</param>
/// <param name="ConfigDigest">Config blob digest (the image id), when known.</param>
/// <param name="Platform"><c>os/arch[/variant]</c>, when known.</param>
public sealed record SbomImage(
    string Name,
    string? Repository,
    string? Digest,
    string? Reference,
    IReadOnlyList<LayerInfo> Layers,
    string? ConfigDigest = null,
    string? Platform = null);

/// <summary>The tool that produced the SBOM.</summary>
/// <param name="Version">Scanner build version.</param>
/// <param name="Catalogers">Catalogers that ran (each listed with its version).</param>
public sealed record SbomTool(string Version, IReadOnlyList<ICataloger> Catalogers)
{
    public const string Name = "gatehouse-scanner";
    public const string Vendor = "gatehouse";
}

/// <summary>What makes two SBOMs of the same inventory differ: injected so output is reproducible in tests.</summary>
public sealed record SbomStamp(Guid SerialNumber, DateTimeOffset Timestamp)
{
    public static SbomStamp New(TimeProvider time) => new(Guid.NewGuid(), time.GetUtcNow());

    public string Urn => $"urn:uuid:{SerialNumber:D}";
}
