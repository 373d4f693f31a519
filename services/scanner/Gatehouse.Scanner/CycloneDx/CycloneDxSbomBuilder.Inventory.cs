using Gatehouse.Scanner.Inventory;

namespace Gatehouse.Scanner.CycloneDx;

public static partial class CycloneDxSbomBuilder
{
    /// <summary>The SBOM of one scan result.</summary>
    public static Bom Build(InventoryResult inventory, string scannerVersion, SbomStamp stamp)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        var source = inventory.Image;
        var image = new SbomImage(source.Name, source.Repository, source.ManifestDigest, source.Reference, inventory.Layers,
            source.ConfigDigest, source.Platform);
        return Build(image, inventory.Distro, inventory.Packages, inventory.Problems, new SbomTool(scannerVersion, inventory.Catalogers), stamp);
    }
}
