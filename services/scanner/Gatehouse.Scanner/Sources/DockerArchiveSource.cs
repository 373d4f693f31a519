using System.Formats.Tar;
using System.Text.Json;
using System.Text.Json.Serialization;
using Gatehouse.Contracts;
using Gatehouse.Oci;
using Gatehouse.Scanner.Inventory;
using Gatehouse.Scanner.Layers;

namespace Gatehouse.Scanner.Sources;

/// <summary>
/// A <c>docker save</c> tarball (manifest.json, config JSON, one tar per layer; legacy <c>&lt;id&gt;/layer.tar</c>
/// or Docker 25+ <c>blobs/sha256/&lt;hex&gt;</c> names). The archive is indexed once by reading headers and seeking
/// past contents; each layer is then read in place through a bounded window of the file, never extracted.
/// Layers named by digest are verified against it; every layer's uncompressed digest against the config diff_ids.
/// </summary>
public sealed class DockerArchiveSource : IImageSource
{
    private const int MaxMetadataBytes = 16 * 1024 * 1024;
    private const int MaxArchiveEntries = 100_000;
    private const int MaxLinkHops = 8;

    private readonly string _path;
    private readonly List<(long Offset, long Length)> _layerWindows;

    private DockerArchiveSource(string path, SourceImage image, List<(long Offset, long Length)> layerWindows)
    {
        _path = path;
        Image = image;
        _layerWindows = layerWindows;
    }

    public SourceImage Image { get; }

    /// <param name="path">The archive file.</param>
    /// <param name="reference"><c>repo:tag</c> from RepoTags, <c>@n</c> for the n-th image, or null when the archive holds one image.</param>
    public static async Task<DockerArchiveSource> OpenAsync(string path, string? reference, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new ImageAnalysisException(AnalysisFailureKind.SourceUnavailable, $"docker archive {path} does not exist");
        }
        await using var file = OpenFile(path);
        var entries = await IndexAsync(file, path, cancellationToken);
        var manifests = ParseManifests(ReadEntry(file, entries, "manifest.json", path), path);
        var manifest = Select(manifests, reference, path);
        var configBytes = ReadEntry(file, entries, manifest.Config, path);
        var configDigest = ContentDigest.ComputeSha256(configBytes).ToString();
        if (DigestFromName(manifest.Config) is { } named && named != configDigest)
        {
            throw new BlobDigestMismatchException(named, configDigest, $"{path}: config {manifest.Config}");
        }
        OciImageConfig config;
        try
        {
            config = OciJson.DeserializeConfig(configBytes);
        }
        catch (JsonException e)
        {
            throw new ImageAnalysisException(AnalysisFailureKind.InvalidImage, $"{path}: config {manifest.Config} does not parse: {e.Message}", inner: e);
        }
        var diffIds = config.RootFs.DiffIds;
        if (diffIds.Count != manifest.Layers.Count)
        {
            throw new ImageAnalysisException(AnalysisFailureKind.InvalidImage,
                $"{path}: manifest.json lists {manifest.Layers.Count} layers but the config has {diffIds.Count} diff_ids");
        }
        var layers = new List<SourceLayer>();
        var windows = new List<(long, long)>();
        for (var i = 0; i < manifest.Layers.Count; i++)
        {
            var entry = Find(entries, manifest.Layers[i], path);
            layers.Add(new SourceLayer(DigestFromName(manifest.Layers[i]), diffIds[i], null, entry.Length));
            windows.Add((entry.Offset, entry.Length));
        }
        var image = new SourceImage
        {
            Name = ImageSourceSpec.DockerArchivePrefix + path,
            Reference = reference ?? (manifest.RepoTags is { Count: > 0 } tags ? tags[0] : null),
            ConfigDigest = configDigest,
            Platform = string.IsNullOrEmpty(config.Os) ? null : $"{config.Os}/{config.Architecture}",
            Layers = layers,
        };
        return new DockerArchiveSource(path, image, windows);
    }

    public async Task<ILayerEntryReader> OpenLayerAsync(int index, ScanLimits limits, ByteBudget uncompressedBudget, CancellationToken cancellationToken)
    {
        var (offset, length) = _layerWindows[index];
        var file = OpenFile(_path);
        try
        {
            file.Seek(offset, SeekOrigin.Begin);
            Stream window = new WindowReadStream(file, length);
            var digest = Image.Layers[index].Digest;
            if (digest is not null)
            {
                window = new DigestVerifyingStream(window, digest, length);
            }
            return await TarLayerReader.OpenAsync(window, index, null, Image.Layers[index].DiffId, limits, uncompressedBudget, cancellationToken);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static FileStream OpenFile(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);

    /// <summary>Headers only: System.Formats.Tar seeks over each entry's data when the stream is seekable.</summary>
    private static async Task<Dictionary<string, ArchiveEntry>> IndexAsync(FileStream file, string path, CancellationToken cancellationToken)
    {
        var entries = new Dictionary<string, ArchiveEntry>(StringComparer.Ordinal);
        try
        {
            await using var reader = new TarReader(file, leaveOpen: true);
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                if (entries.Count >= MaxArchiveEntries)
                {
                    throw new ImageLimitExceededException(LimitKind.Entries, MaxArchiveEntries, $"{path} has more top-level entries");
                }
                var name = LayerPath.Normalize(entry.Name);
                if (name is not null)
                {
                    entries[name] = new ArchiveEntry(entry.EntryType, entry.DataOffset, entry.Length, entry.LinkName);
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new ImageAnalysisException(AnalysisFailureKind.InvalidImage, $"{path} is not a readable tar archive: {e.Message}", inner: e);
        }
        return entries;
    }

    private static ArchiveEntry Find(Dictionary<string, ArchiveEntry> entries, string name, string path)
    {
        var current = LayerPath.Normalize(name) ?? "";
        for (var hop = 0; hop <= MaxLinkHops; hop++)
        {
            if (!entries.TryGetValue(current, out var entry))
            {
                break;
            }
            if (entry.Type is not (TarEntryType.SymbolicLink or TarEntryType.HardLink))
            {
                return entry;
            }
            // docker save links identical layers to each other; symlink targets are relative to the link's folder.
            var directory = entry.Type == TarEntryType.SymbolicLink && current.Contains('/', StringComparison.Ordinal) ? current[..current.LastIndexOf('/')] : "";
            current = LayerPath.ResolveLinkTarget(directory, entry.LinkName) ?? "";
        }
        throw new ImageAnalysisException(AnalysisFailureKind.InvalidImage, $"{path}: '{name}' is missing from the archive (or links in a loop)");
    }

    private static byte[] ReadEntry(FileStream file, Dictionary<string, ArchiveEntry> entries, string name, string path)
    {
        var entry = Find(entries, name, path);
        if (entry.Length > MaxMetadataBytes)
        {
            throw new ImageAnalysisException(AnalysisFailureKind.InvalidImage, $"{path}: '{name}' is {entry.Length} bytes, more than {MaxMetadataBytes}");
        }
        var bytes = new byte[entry.Length];
        file.Seek(entry.Offset, SeekOrigin.Begin);
        file.ReadExactly(bytes);
        return bytes;
    }

    private static ArchiveManifest Select(List<ArchiveManifest> manifests, string? reference, string path)
    {
        if (manifests.Count == 0)
        {
            throw new ImageAnalysisException(AnalysisFailureKind.InvalidImage, $"{path}: manifest.json lists no image");
        }
        if (reference is null)
        {
            return manifests.Count == 1 ? manifests[0]
                : throw new ImageAnalysisException(AnalysisFailureKind.InvalidImage,
                    $"{path} holds {manifests.Count} images; name one with :<repo:tag> or :@<index> ({Tags(manifests)})");
        }
        if (reference.StartsWith('@'))
        {
            return int.TryParse(reference.AsSpan(1), out var n) && n >= 0 && n < manifests.Count ? manifests[n]
                : throw new ImageAnalysisException(AnalysisFailureKind.InvalidImage, $"{path}: no image {reference} (it holds {manifests.Count})");
        }
        var wanted = ImageReference.Parse(reference).ToString();
        return manifests.FirstOrDefault(m => m.RepoTags?.Any(t => ImageReference.TryParse(t, out var tag, out _) && tag.ToString() == wanted) == true)
            ?? throw new ImageAnalysisException(AnalysisFailureKind.InvalidImage, $"{path}: no image tagged {reference} ({Tags(manifests)})");
    }

    private static string Tags(List<ArchiveManifest> manifests) =>
        "tags: " + string.Join(", ", manifests.SelectMany(m => m.RepoTags ?? []).DefaultIfEmpty("none"));

    /// <summary><c>blobs/sha256/&lt;hex&gt;</c> and legacy <c>&lt;hex&gt;.json</c> names carry the content digest.</summary>
    private static string? DigestFromName(string name)
    {
        var normalized = LayerPath.Normalize(name) ?? "";
        if (normalized.StartsWith("blobs/", StringComparison.Ordinal))
        {
            var parts = normalized.Split('/');
            var candidate = parts.Length == 3 ? $"{parts[1]}:{parts[2]}" : null;
            return ContentDigest.IsValid(candidate) ? candidate : null;
        }
        if (normalized.EndsWith(".json", StringComparison.Ordinal) && !normalized.Contains('/', StringComparison.Ordinal))
        {
            var candidate = "sha256:" + normalized[..^5];
            return ContentDigest.IsValid(candidate) ? candidate : null;
        }
        return null;
    }

    private static List<ArchiveManifest> ParseManifests(byte[] json, string path)
    {
        try
        {
            return JsonSerializer.Deserialize(json, ArchiveJson.Default.ListArchiveManifest) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new ImageAnalysisException(AnalysisFailureKind.InvalidImage, $"{path}: manifest.json does not parse: {e.Message}", inner: e);
        }
    }

    private sealed record ArchiveEntry(TarEntryType Type, long Offset, long Length, string LinkName);

    internal sealed record ArchiveManifest
    {
        [JsonPropertyName("Config")]
        public required string Config { get; init; }

        [JsonPropertyName("RepoTags")]
        public IReadOnlyList<string>? RepoTags { get; init; }

        [JsonPropertyName("Layers")]
        public IReadOnlyList<string> Layers { get; init; } = [];
    }
}

[JsonSerializable(typeof(List<DockerArchiveSource.ArchiveManifest>))]
internal sealed partial class ArchiveJson : JsonSerializerContext;
