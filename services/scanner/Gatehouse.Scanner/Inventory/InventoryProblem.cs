namespace Gatehouse.Scanner.Inventory;

/// <summary>Something that could not be catalogued; the rest of the image still is.
/// Ends up in the SBOM's properties and in the log.</summary>
/// <param name="Code">Short stable kind, see <see cref="ProblemCodes"/>.</param>
/// <param name="Message">Human-readable detail.</param>
/// <param name="Path">Root-relative path concerned, when there is one.</param>
/// <param name="LayerIndex">Layer concerned, when there is one.</param>
/// <param name="Source">Cataloger or engine stage that reported it.</param>
public sealed record InventoryProblem(string Code, string Message, string? Path, int? LayerIndex, string Source);

public static class ProblemCodes
{
    public const string MalformedMetadata = "malformed-metadata";
    public const string UnsupportedDatabase = "unsupported-database";
    public const string CatalogerFailed = "cataloger-failed";
    public const string LinkUnresolved = "link-unresolved";
    public const string PathOutsideRoot = "path-outside-root";
    public const string DuplicatePackage = "duplicate-package";
    public const string AnalyzerFailed = "analyzer-failed";
    public const string LayerWarning = "layer-warning";
}
