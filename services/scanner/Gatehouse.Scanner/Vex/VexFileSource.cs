using Microsoft.Extensions.Options;

namespace Gatehouse.Scanner.Vex;

/// <summary>
/// The VEX documents of the configured files and folders, re-read when a file changes (size or write time), so
/// an operator's edit applies to the next evaluation without a restart. Thread-safe.
/// </summary>
public sealed class VexFileSource(IOptions<VexOptions> options)
{
    private readonly Lock _gate = new();
    private Dictionary<string, (DateTime Written, long Length, VexDocument Document)> _cache = new(StringComparer.Ordinal);

    public VexFileSource(IEnumerable<string> paths) : this(Options.Create(new VexOptions { Paths = [.. paths] }))
    {
    }

    public IReadOnlyList<VexDocument> Documents()
    {
        var files = options.Value.Paths.SelectMany(Files).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
        {
            return [];
        }

        lock (_gate)
        {
            var next = new Dictionary<string, (DateTime, long, VexDocument)>(StringComparer.Ordinal);
            var documents = new List<VexDocument>(files.Count);
            foreach (var file in files)
            {
                var info = new FileInfo(file);
                if (!info.Exists)
                {
                    documents.Add(VexDocument.Unreadable("file:" + file, "file does not exist"));
                    continue;
                }
                if (!_cache.TryGetValue(file, out var cached) || cached.Written != info.LastWriteTimeUtc || cached.Length != info.Length)
                {
                    cached = (info.LastWriteTimeUtc, info.Length, ReadFile(file));
                }
                next[file] = cached;
                documents.Add(cached.Document);
            }
            _cache = next;
            return documents;
        }
    }

    private static VexDocument ReadFile(string file)
    {
        try
        {
            return VexDocumentReader.Read(File.ReadAllBytes(file), "file:" + file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return VexDocument.Unreadable("file:" + file, "cannot read: " + e.Message);
        }
    }

    private static IEnumerable<string> Files(string path) =>
        Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*.json", SearchOption.AllDirectories).Select(Path.GetFullPath)
            : [Path.GetFullPath(path)];
}
