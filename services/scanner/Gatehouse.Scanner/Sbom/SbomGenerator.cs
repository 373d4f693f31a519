using System.Reflection;
using System.Security.Cryptography;
using Gatehouse.Oci;
using Gatehouse.Scanner.CycloneDx;
using Gatehouse.Scanner.Inventory;
using Gatehouse.Scanner.Sources;

namespace Gatehouse.Scanner.Sbom;

/// <summary>One image in, its inventory and CycloneDX document out (shared by the consumer and the CLI).</summary>
public sealed class SbomGenerator(ImageInventoryScanner scanner, TimeProvider time)
{
    public static string ScannerVersion { get; } =
        typeof(SbomGenerator).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public async Task<GeneratedSbom> GenerateAsync(
        IImageSource source, ScanLimits? limits, IProgress<ScanProgress>? progress, CancellationToken cancellationToken)
    {
        var inventory = await scanner.ScanAsync(source, limits, progress, cancellationToken);
        var bom = CycloneDxSbomBuilder.Build(inventory, ScannerVersion, SbomStamp.New(time));
        var bytes = CycloneDxWriter.Serialize(bom);
        return new GeneratedSbom(inventory, bom, bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    /// <summary>Attaches the document to the image as an OCI referrer (artifactType CycloneDX); returns the referrer's digest.</summary>
    public static async Task<string> AttachAsync(IImageStore store, string repository, ResolvedImage image, GeneratedSbom sbom, CancellationToken ct)
    {
        var artifact = new ReferrerArtifact(CycloneDxWriter.MediaType, [new ArtifactBlob(CycloneDxWriter.MediaType, sbom.Bytes)],
            new Dictionary<string, string> { [OciMediaTypes.CreatedAnnotation] = (sbom.Bom.Metadata?.Timestamp ?? DateTimeOffset.UnixEpoch).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) });
        var descriptor = await store.AttachReferrerAsync(repository, image.ManifestDescriptor, artifact, ct);
        return descriptor.Digest;
    }
}

/// <summary>A generated SBOM: the inventory behind it, the document, its bytes and their SHA-256.</summary>
public sealed record GeneratedSbom(InventoryResult Inventory, Bom Bom, byte[] Bytes, string Sha256);
