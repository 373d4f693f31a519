using Gatehouse.Scanner.Inventory;

namespace Gatehouse.Scanner.Layers;

/// <summary>
/// Captured contents of selected files: the newest version per path (with the set of catalogers that
/// wanted it, one bit per cataloger slot) and, for history-tracked paths, every layer's version.
/// <see cref="Seal"/> drops versions that are not the final view's (deleted or replaced later).
/// </summary>
internal sealed class CaptureStore
{
    private readonly Dictionary<string, (CapturedFile File, ulong Slots)> _final = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<CapturedFile>> _history = new(StringComparer.Ordinal);

    /// <summary>Bytes held, counting every version once (shared memory counted once).</summary>
    public long TotalBytes { get; private set; }

    public void Add(CapturedFile file, ulong slotMask, bool keepHistory)
    {
        if (_final.TryGetValue(file.Path, out var previous) && !IsKeptInHistory(previous.File))
        {
            TotalBytes -= previous.File.Content.Length;
        }
        _final[file.Path] = (file, slotMask);
        TotalBytes += file.Content.Length;
        if (keepHistory)
        {
            if (!_history.TryGetValue(file.Path, out var versions))
            {
                _history[file.Path] = versions = [];
            }
            versions.Add(file);
        }
    }

    /// <summary>Forgets the newest version of a path (deleted or replaced), unless history keeps it.</summary>
    public void Remove(string path)
    {
        if (_final.Remove(path, out var previous) && !IsKeptInHistory(previous.File))
        {
            TotalBytes -= previous.File.Content.Length;
        }
    }

    public CapturedFile? Final(string path) => _final.TryGetValue(path, out var entry) ? entry.File : null;

    public bool Contains(string path) => _final.ContainsKey(path);

    public IReadOnlyList<CapturedFile> FinalFilesFor(int slot)
    {
        var bit = 1UL << slot;
        return _final.Values
            .Where(e => (e.Slots & bit) != 0)
            .Select(e => e.File)
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .ToList();
    }

    public IReadOnlyList<CapturedFile> History(string path) =>
        _history.TryGetValue(path, out var versions) ? versions : [];

    /// <summary>Keeps only captures that are what the final view holds at their path.</summary>
    public void Seal(IFileSystemView view)
    {
        foreach (var path in _final.Keys.ToList())
        {
            var entry = view.Get(path);
            if (entry is null || entry.Kind != FileKind.Regular || entry.LayerIndex != _final[path].File.LayerIndex)
            {
                Remove(path);
            }
        }
    }

    private bool IsKeptInHistory(CapturedFile file) =>
        _history.TryGetValue(file.Path, out var versions) && versions.Count > 0 && ReferenceEquals(versions[^1], file);
}
