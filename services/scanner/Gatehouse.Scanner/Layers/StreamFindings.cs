using Gatehouse.Scanner.Inventory;

namespace Gatehouse.Scanner.Layers;

/// <summary>
/// Results of streaming analyzers, keyed by (cataloger slot, path). A newer layer's result replaces an older
/// one; <see cref="Surviving"/> keeps only results whose (path, layer) is still what the final view holds,
/// so a file deleted or overwritten later contributes nothing.
/// </summary>
internal sealed class StreamFindings
{
    private readonly Dictionary<(int Slot, string Path), StreamFinding> _findings = [];

    public void Add(int slot, StreamFinding finding) => _findings[(slot, finding.Path)] = finding;

    /// <summary>Every slot's finding for <paramref name="targetPath"/>, copied to a hard link at <paramref name="linkPath"/>.</summary>
    public void CopyForHardLink(string targetPath, string linkPath, int layer)
    {
        var copies = _findings.Where(f => f.Key.Path == targetPath).ToList();
        foreach (var (key, finding) in copies)
        {
            _findings[(key.Slot, linkPath)] = finding with { Path = linkPath, LayerIndex = layer };
        }
    }

    public bool HasAny => _findings.Count > 0;

    /// <summary>The findings of <paramref name="slot"/> that the final view still holds, ordered by path.</summary>
    public IReadOnlyList<StreamFinding> Surviving(int slot, PathIndex view) =>
        _findings
            .Where(f => f.Key.Slot == slot)
            .Select(f => f.Value)
            .Where(f => view.TryGet(f.Path, out var kind, out _, out _, out var layer) && kind == FileKind.Regular && layer == f.LayerIndex)
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .ToList();
}
