using Gatehouse.Scanner.Distro;
using Gatehouse.Scanner.Inventory;

namespace Gatehouse.Scanner.Layers;

/// <summary>
/// Applies layers, base first, to one compact view of the final filesystem (Trivy/Syft style): each entry is
/// seen once; whiteouts and opaque markers remove what lower layers wrote; only files a cataloger selected
/// have their contents captured (bounded), and streaming analyzers inspect their files as they pass.
/// Format-independent: tar layers and directory walks arrive as the same <see cref="ILayerEntryReader"/>.
/// </summary>
internal sealed class LayerMerger
{
    private const string WhiteoutPrefix = ".wh.";
    private const string OpaqueMarker = ".wh..wh..opq";

    // A hostile layer can raise one problem per entry; past this many of a kind per layer they are only counted.
    private const int ProblemsPerKindAndLayer = 20;

    private readonly IReadOnlyList<ICataloger> _catalogers;
    private readonly (int Slot, IStreamingCataloger Analyzer)[] _analyzers;
    private readonly int _distroSlot;
    private readonly ScanLimits _limits;
    private readonly Action<InventoryProblem> _report;
    private readonly List<PendingHardLink> _pendingLinks = [];
    private readonly Dictionary<string, int> _problemCounts = new(StringComparer.Ordinal);
    private char[] _path = new char[256];
    private char[] _scratch = new char[256];
    private long _entries;
    private long _capturedBytes;

    public LayerMerger(IReadOnlyList<ICataloger> catalogers, ScanLimits limits, Action<InventoryProblem> report)
    {
        if (catalogers.Count >= 64)
        {
            throw new ArgumentException("at most 63 catalogers (one capture bit each, plus distro detection)", nameof(catalogers));
        }
        _catalogers = catalogers;
        _analyzers = catalogers
            .Select((c, slot) => (slot, c as IStreamingCataloger))
            .Where(a => a.Item2 is not null)
            .Select(a => (a.slot, a.Item2!))
            .ToArray();
        _distroSlot = catalogers.Count;
        _limits = limits;
        _report = report;
        Index = new PathIndex(limits);
    }

    public PathIndex Index { get; }

    public CaptureStore Captures { get; } = new();

    public StreamFindings Findings { get; } = new();

    public long CapturedBytes => _capturedBytes;

    public long Entries => _entries;

    /// <summary>Reads every entry of <paramref name="reader"/> into the view; <paramref name="onEntry"/> runs after each (progress).</summary>
    public async Task ApplyAsync(ILayerEntryReader reader, int layer, Action? onEntry, CancellationToken cancellationToken)
    {
        _problemCounts.Clear();
        while (await reader.MoveNextAsync(cancellationToken))
        {
            if (++_entries > _limits.MaxEntries)
            {
                throw new ImageLimitExceededException(LimitKind.Entries, _limits.MaxEntries, $"layer {layer} brought the total past it");
            }
            await ApplyEntryAsync(reader, layer, cancellationToken);
            onEntry?.Invoke();
        }
        foreach (var (code, count) in _problemCounts.Where(c => c.Value > ProblemsPerKindAndLayer))
        {
            _report(new InventoryProblem(code, $"{count - ProblemsPerKindAndLayer} more problems of this kind in this layer were not listed", null, layer, "layers"));
        }
    }

    /// <summary>True when the layer just applied has hard links at selected paths whose target content was not
    /// captured; the caller then reads the layer again through <see cref="CapturePendingHardLinksAsync"/>.</summary>
    public bool HasPendingHardLinks => _pendingLinks.Count > 0;

    /// <summary>Second pass over a layer: captures the targets of pending hard links for their link paths.</summary>
    public async Task CapturePendingHardLinksAsync(ILayerEntryReader reader, int layer, CancellationToken cancellationToken)
    {
        var byTarget = _pendingLinks.GroupBy(p => p.TargetPath, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var lookup = byTarget.GetAlternateLookup<ReadOnlySpan<char>>();
        var resolved = new HashSet<string>(StringComparer.Ordinal);
        while (resolved.Count < byTarget.Count && await reader.MoveNextAsync(cancellationToken))
        {
            if (reader.Type != LayerEntryType.Regular)
            {
                continue;
            }
            var length = NormalizeInto(reader.Name, ref _path, out _);
            if (!lookup.TryGetValue(_path.AsSpan(0, length), out var path, out var links) || resolved.Contains(path))
            {
                continue;
            }
            var content = await CaptureAsync(reader, path, layer, reader.Size, cancellationToken);
            if (content is null)
            {
                continue;
            }
            resolved.Add(path);
            foreach (var link in links)
            {
                Captures.Add(new CapturedFile(link.LinkPath, layer, content), link.Mask, link.History);
            }
        }
        foreach (var link in _pendingLinks.Where(l => !resolved.Contains(l.TargetPath)))
        {
            Report(ProblemCodes.LinkUnresolved, $"hard link to '{link.TargetPath}', whose content is not in this layer", link.LinkPath, layer);
        }
        _pendingLinks.Clear();
    }

    private async ValueTask ApplyEntryAsync(ILayerEntryReader reader, int layer, CancellationToken cancellationToken)
    {
        var length = NormalizeInto(reader.Name, ref _path, out var escaped);
        if (escaped)
        {
            Report(ProblemCodes.PathOutsideRoot, $"entry '{reader.Name}' climbs above the root; clamped to /{new string(_path, 0, length)}",
                null, layer);
        }
        if (length == 0)
        {
            return; // the root itself ("./")
        }
        var slash = Array.LastIndexOf(_path, '/', length - 1, length);
        var fileName = _path.AsSpan(slash + 1, length - slash - 1);
        if (fileName.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
        {
            ApplyWhiteout(slash, fileName, layer);
            return;
        }
        switch (reader.Type)
        {
            case LayerEntryType.Directory:
                Upsert(FileKind.Directory, 0, reader.Mode, layer, null, length, out _);
                break;
            case LayerEntryType.Symlink:
                Upsert(FileKind.Symlink, 0, reader.Mode, layer, reader.LinkName.ToString(), length, out _);
                break;
            case LayerEntryType.HardLink:
                ApplyHardLink(reader, layer, length);
                break;
            case LayerEntryType.Regular:
                await ApplyRegularAsync(reader, layer, length, cancellationToken);
                break;
            default:
                Upsert(FileKind.Other, 0, reader.Mode, layer, null, length, out _);
                break;
        }
    }

    private void ApplyWhiteout(int slash, ReadOnlySpan<char> fileName, int layer)
    {
        var directory = slash < 0 ? ReadOnlySpan<char>.Empty : _path.AsSpan(0, slash);
        if (fileName.SequenceEqual(OpaqueMarker))
        {
            Index.MakeOpaque(directory, layer);
            return;
        }
        if (fileName.StartsWith(".wh..wh.", StringComparison.Ordinal))
        {
            return; // other AUFS metadata (.wh..wh.plnk, ...), ignored like containerd does
        }
        // ".wh.<name>" deletes <name> from lower layers: rebuild "<dir>/<name>" in the scratch buffer.
        var target = fileName[WhiteoutPrefix.Length..];
        EnsureCapacity(ref _scratch, directory.Length + 1 + target.Length);
        directory.CopyTo(_scratch);
        var n = directory.Length;
        if (n > 0)
        {
            _scratch[n++] = '/';
        }
        target.CopyTo(_scratch.AsSpan(n));
        Index.Whiteout(_scratch.AsSpan(0, n + target.Length), layer);
    }

    private void ApplyHardLink(ILayerEntryReader reader, int layer, int length)
    {
        // Hard link names are root-relative like entry names; they resolve inside the image only.
        var targetLength = NormalizeInto(reader.LinkName, ref _scratch, out _);
        var target = _scratch.AsSpan(0, targetLength);
        if (targetLength == 0 || !Index.TryGet(target, out var kind, out var size, out var mode, out _) || kind == FileKind.Directory)
        {
            Report(ProblemCodes.LinkUnresolved, $"hard link to '{reader.LinkName}', which is not a file in the image",
                new string(_path, 0, length), layer);
            return;
        }
        var targetPath = target.ToString();
        if (!Upsert(kind, size, mode, layer, targetPath, length, out var redirected))
        {
            return;
        }
        var stored = redirected ?? new string(_path, 0, length);
        var (mask, history) = Select(stored, size, mode, layer);
        if (mask != 0)
        {
            if (Captures.Final(targetPath) is { } content)
            {
                Captures.Add(new CapturedFile(stored, layer, content.Content), mask, history);
            }
            else
            {
                // The target streamed past uncaptured (nobody selected its own path): fetch it in a second pass.
                _pendingLinks.Add(new PendingHardLink(stored, targetPath, mask, history));
            }
        }
        if (Findings.HasAny)
        {
            Findings.CopyForHardLink(targetPath, stored, layer);
        }
    }

    private async ValueTask ApplyRegularAsync(ILayerEntryReader reader, int layer, int length, CancellationToken cancellationToken)
    {
        var size = reader.Size;
        if (!Upsert(FileKind.Regular, size, reader.Mode, layer, null, length, out var redirected))
        {
            return;
        }
        // Catalogers see where the file really is (a parent symlink followed) and, in the common case, a span.
        var path = redirected is null ? _path.AsSpan(0, length) : redirected.AsSpan();
        var (mask, history) = Select(path, size, reader.Mode, layer);
        var analyzers = SelectAnalyzers(path, size, reader.Mode, layer);
        if (mask == 0 && analyzers is null)
        {
            return; // the common case: nothing allocated, the content is skipped by the reader
        }
        var stored = redirected ?? path.ToString();
        byte[]? content = null;
        if (mask != 0 || analyzers is { Count: > 1 })
        {
            content = await CaptureAsync(reader, stored, layer, size, cancellationToken);
            if (content is null)
            {
                return;
            }
            if (mask != 0)
            {
                Captures.Add(new CapturedFile(stored, layer, content), mask, history);
            }
        }
        if (analyzers is not null)
        {
            await AnalyzeAsync(analyzers, reader, content, new StreamedFile(stored, size, reader.Mode, layer), cancellationToken);
        }
    }

    private async ValueTask<byte[]?> CaptureAsync(ILayerEntryReader reader, string path, int layer, long size, CancellationToken cancellationToken)
    {
        if (size > _limits.MaxBytesPerFile)
        {
            throw new ImageLimitExceededException(LimitKind.BytesPerFile, _limits.MaxBytesPerFile, $"/{path} in layer {layer} is {size} bytes");
        }
        if (_capturedBytes + size > _limits.MaxTotalCapturedBytes)
        {
            throw new ImageLimitExceededException(LimitKind.TotalCapturedBytes, _limits.MaxTotalCapturedBytes,
                $"capturing /{path} in layer {layer} would hold {_capturedBytes + size} bytes");
        }
        _capturedBytes += size;
        var content = new byte[size];
        var offset = 0;
        while (offset < content.Length)
        {
            var n = await reader.ReadContentAsync(content.AsMemory(offset), cancellationToken);
            if (n == 0)
            {
                return null; // only a directory source can come up short (unreadable file, already reported)
            }
            offset += n;
        }
        return content;
    }

    private async ValueTask AnalyzeAsync(
        List<(int Slot, IStreamingCataloger Analyzer)> analyzers, ILayerEntryReader reader, byte[]? content, StreamedFile file,
        CancellationToken cancellationToken)
    {
        foreach (var (slot, analyzer) in analyzers)
        {
            await using Stream stream = content is null ? new EntryContentStream(reader, file.Size) : new ReadOnlyMemoryStream(content);
            try
            {
                if (await analyzer.AnalyzeAsync(file, stream, cancellationToken) is { } value)
                {
                    Findings.Add(slot, new StreamFinding(file.Path, file.LayerIndex, value));
                }
            }
            catch (Exception e) when (e is not (OperationCanceledException or ImageAnalysisException))
            {
                Report(ProblemCodes.AnalyzerFailed, $"{analyzer.Name}: {e.Message}", file.Path, file.LayerIndex, analyzer.Name);
            }
        }
    }

    private (ulong Mask, bool History) Select(ReadOnlySpan<char> path, long size, UnixFileMode mode, int layer)
    {
        var candidate = new FileCandidate(path, size, mode, layer);
        ulong mask = 0;
        var history = false;
        for (var i = 0; i < _catalogers.Count; i++)
        {
            var interest = _catalogers[i].Select(candidate);
            if (interest != FileInterest.None)
            {
                mask |= 1UL << i;
                history |= interest == FileInterest.ContentWithHistory;
            }
        }
        if (DistroDetector.IsReleaseFile(path))
        {
            mask |= 1UL << _distroSlot;
        }
        return (mask, history);
    }

    private List<(int Slot, IStreamingCataloger Analyzer)>? SelectAnalyzers(ReadOnlySpan<char> path, long size, UnixFileMode mode, int layer)
    {
        List<(int, IStreamingCataloger)>? selected = null;
        var candidate = new FileCandidate(path, size, mode, layer);
        foreach (var (slot, analyzer) in _analyzers)
        {
            if (analyzer.SelectForStreaming(candidate))
            {
                (selected ??= []).Add((slot, analyzer));
            }
        }
        return selected;
    }

    /// <summary>Upserts the entry in <c>_path[..length]</c>. <paramref name="redirected"/> is the path it was stored
    /// under when a parent was a symlink (else null: the path as named, not allocated here).</summary>
    private bool Upsert(FileKind kind, long size, UnixFileMode mode, int layer, string? linkTarget, int length, out string? redirected)
    {
        var path = _path.AsSpan(0, length);
        if (!Index.Upsert(path, kind, size, mode, layer, linkTarget, out redirected))
        {
            Report(ProblemCodes.LinkUnresolved, "a parent of this entry is not a directory in the image (or a symlink that loops or dangles); entry ignored", path.ToString(), layer);
            return false;
        }
        return true;
    }

    private static int NormalizeInto(ReadOnlySpan<char> raw, ref char[] buffer, out bool escaped)
    {
        EnsureCapacity(ref buffer, raw.Length);
        return LayerPath.Normalize(raw, buffer, out escaped);
    }

    private static void EnsureCapacity(ref char[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new char[Math.Max(length, buffer.Length * 2)];
        }
    }

    private void Report(string code, string message, string? path, int layer, string source = "layers")
    {
        var count = _problemCounts[code] = _problemCounts.GetValueOrDefault(code) + 1;
        if (count <= ProblemsPerKindAndLayer)
        {
            _report(new InventoryProblem(code, message, path, layer, source));
        }
    }

    private sealed record PendingHardLink(string LinkPath, string TargetPath, ulong Mask, bool History);
}
