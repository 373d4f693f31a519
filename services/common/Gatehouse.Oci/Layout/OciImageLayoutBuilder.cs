using Gatehouse.Contracts;

namespace Gatehouse.Oci.Layout;

/// <summary>
/// Builds a small image from in-memory files (tar+gzip layers, config, manifest) and pushes it to any
/// <see cref="IImageStore"/>, typically a layout folder: demos and tests get real images without Docker.
/// The same inputs give the same digests (fixed timestamps and owners).
/// </summary>
public sealed class OciImageLayoutBuilder
{
    private readonly List<(LayerContents Contents, string CreatedBy)> _layers = [];
    private readonly Dictionary<string, string> _labels = new(StringComparer.Ordinal);
    private readonly List<string> _env = [];
    private IReadOnlyList<string>? _cmd;

    public OciImageLayoutBuilder(ImagePlatform? platform = null) => Platform = platform ?? ImagePlatform.LinuxAmd64;

    public ImagePlatform Platform { get; }

    /// <summary>The config's and every tar entry's timestamp.</summary>
    public DateTimeOffset Created { get; set; } = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Write Docker v2 schema 2 media types instead of OCI ones.</summary>
    public bool UseDockerMediaTypes { get; set; }

    public OciImageLayoutBuilder WithLabel(string key, string value)
    {
        _labels[key] = value;
        return this;
    }

    public OciImageLayoutBuilder WithEnv(string variable)
    {
        _env.Add(variable);
        return this;
    }

    public OciImageLayoutBuilder WithCmd(params string[] cmd)
    {
        _cmd = cmd;
        return this;
    }

    public OciImageLayoutBuilder AddLayer(Action<LayerContents> configure, string? createdBy = null)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var contents = new LayerContents();
        configure(contents);
        _layers.Add((contents, createdBy ?? $"layer {_layers.Count + 1} ({contents.Count} entries)"));
        return this;
    }

    public OciImageLayoutBuilder AddLayer(IReadOnlyDictionary<string, byte[]> files, string? createdBy = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        return AddLayer(layer =>
        {
            foreach (var (path, content) in files)
            {
                layer.AddFile(path, content);
            }
        }, createdBy);
    }

    /// <summary>Writes the image into the layout folder <paramref name="directory"/> (created if needed) under <paramref name="tag"/>.</summary>
    public Task<BuiltImage> WriteToLayoutAsync(string directory, string tag, CancellationToken cancellationToken = default) =>
        PushAsync(new OciLayoutStore(directory), "", tag, cancellationToken);

    /// <summary>Pushes blobs, config and manifest to <paramref name="store"/>; tags the manifest when <paramref name="tag"/> is given.</summary>
    public async Task<BuiltImage> PushAsync(IImageStore store, string repository, string? tag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (_layers.Count == 0)
        {
            throw new InvalidOperationException("an image needs at least one layer; call AddLayer first");
        }

        var layerDescriptors = new List<OciDescriptor>();
        var diffIds = new List<string>();
        foreach (var (contents, _) in _layers)
        {
            var (compressed, diffId) = contents.Build(Created);
            var digest = await store.PushBlobAsync(repository, compressed, cancellationToken).ConfigureAwait(false);
            layerDescriptors.Add(new OciDescriptor
            {
                MediaType = UseDockerMediaTypes ? OciMediaTypes.DockerLayerGzip : OciMediaTypes.ImageLayerGzip,
                Digest = digest,
                Size = compressed.LongLength,
            });
            diffIds.Add(diffId);
        }

        var config = new OciImageConfig
        {
            Created = Created,
            Architecture = Platform.Architecture,
            Os = Platform.Os,
            Variant = Platform.Variant,
            Config = new OciContainerConfig
            {
                Env = _env.Count == 0 ? null : [.. _env],
                Cmd = _cmd,
                Labels = _labels.Count == 0 ? null : new Dictionary<string, string>(_labels),
            },
            RootFs = new OciRootFs { DiffIds = diffIds },
            History = _layers.Select(l => new OciHistoryEntry { Created = Created, CreatedBy = l.CreatedBy }).ToList(),
        };
        var configBytes = OciJson.Serialize(config);
        var configDescriptor = new OciDescriptor
        {
            MediaType = UseDockerMediaTypes ? OciMediaTypes.DockerConfig : OciMediaTypes.ImageConfig,
            Digest = await store.PushBlobAsync(repository, configBytes, cancellationToken).ConfigureAwait(false),
            Size = configBytes.LongLength,
        };

        var manifestMediaType = UseDockerMediaTypes ? OciMediaTypes.DockerManifest : OciMediaTypes.ImageManifest;
        var manifest = new OciImageManifest { MediaType = manifestMediaType, Config = configDescriptor, Layers = layerDescriptors };
        var manifestBytes = OciJson.Serialize(manifest);
        var manifestDigest = ContentDigest.ComputeSha256(manifestBytes).ToString();
        await store.PushManifestAsync(repository, tag ?? manifestDigest, manifestMediaType, manifestBytes, cancellationToken).ConfigureAwait(false);
        return new BuiltImage(
            new OciDescriptor { MediaType = manifestMediaType, Digest = manifestDigest, Size = manifestBytes.LongLength },
            manifest,
            config,
            Platform);
    }

    /// <summary>Pushes an index (multi-platform image) over already pushed images, tagged when <paramref name="tag"/> is given.</summary>
    public static async Task<OciDescriptor> PushIndexAsync(
        IImageStore store, string repository, string? tag, IReadOnlyList<BuiltImage> images, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(images);
        var docker = images.Count > 0 && images.All(i => i.Manifest.MediaType == OciMediaTypes.DockerManifest);
        var index = new OciImageIndex
        {
            MediaType = docker ? OciMediaTypes.DockerManifestList : OciMediaTypes.ImageIndex,
            Manifests = images.Select(i => i.Manifest with
            {
                Platform = new OciPlatform { Os = i.Platform.Os, Architecture = i.Platform.Architecture, Variant = i.Platform.Variant },
            }).ToList(),
        };
        var bytes = OciJson.Serialize(index);
        var digest = ContentDigest.ComputeSha256(bytes).ToString();
        await store.PushManifestAsync(repository, tag ?? digest, index.MediaType, bytes, cancellationToken).ConfigureAwait(false);
        return new OciDescriptor { MediaType = index.MediaType, Digest = digest, Size = bytes.LongLength };
    }
}

/// <summary>An image the builder pushed: its manifest descriptor and documents.</summary>
public sealed record BuiltImage(OciDescriptor Manifest, OciImageManifest ManifestDocument, OciImageConfig Config, ImagePlatform Platform)
{
    public string Digest => Manifest.Digest;

    public IReadOnlyList<OciDescriptor> Layers => ManifestDocument.Layers;

    public IReadOnlyList<string> DiffIds => Config.RootFs.DiffIds;
}
