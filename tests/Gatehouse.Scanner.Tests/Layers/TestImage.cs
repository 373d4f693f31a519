using Gatehouse.Oci;
using Gatehouse.Scanner.Inventory;
using Gatehouse.Scanner.Layers;
using Gatehouse.Scanner.Sources;

namespace Gatehouse.Scanner.Tests.Layers;

/// <summary>One layer of a test image: the blob as stored, its media type and the tar it should decompress to.</summary>
internal sealed record TestLayer(byte[] Blob, string MediaType, string DiffId)
{
    public static TestLayer Gzip(TarBuilder tar)
    {
        var raw = tar.Tar();
        return new(TarBuilder.Gzip(raw), OciMediaTypes.ImageLayerGzip, TarBuilder.Sha256(raw));
    }

    public static TestLayer Zstd(TarBuilder tar)
    {
        var raw = tar.Tar();
        return new(TarBuilder.Zstd(raw), OciMediaTypes.ImageLayerZstd, TarBuilder.Sha256(raw));
    }

    public static TestLayer Uncompressed(TarBuilder tar)
    {
        var raw = tar.Tar();
        return new(raw, OciMediaTypes.ImageLayer, TarBuilder.Sha256(raw));
    }
}

/// <summary>
/// Test images as OCI layouts in a temporary folder (blobs written directly, so a test can also store a blob
/// whose content does not match its name), scanned through the real <c>oci:</c> source.
/// </summary>
internal sealed class TestImage : IDisposable
{
    public TestImage() => Directory.CreateDirectory(Root);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "gatehouse-scanner-tests", Guid.NewGuid().ToString("N"));

    public string Source => $"oci:{Root}:test";

    /// <summary>Writes the layout; <paramref name="corrupt"/> replaces a layer's stored bytes after its digest was taken.</summary>
    public async Task<TestImage> WriteAsync(IReadOnlyList<TestLayer> layers, Func<int, byte[], byte[]>? corrupt = null)
    {
        var descriptors = new List<OciDescriptor>();
        for (var i = 0; i < layers.Count; i++)
        {
            var digest = TarBuilder.Sha256(layers[i].Blob);
            await WriteBlobAsync(digest, corrupt?.Invoke(i, layers[i].Blob) ?? layers[i].Blob);
            descriptors.Add(new OciDescriptor { MediaType = layers[i].MediaType, Digest = digest, Size = layers[i].Blob.LongLength });
        }
        var config = OciJson.Serialize(new OciImageConfig
        {
            Architecture = "amd64",
            Os = "linux",
            RootFs = new OciRootFs { DiffIds = layers.Select(l => l.DiffId).ToList() },
        });
        var configDigest = TarBuilder.Sha256(config);
        await WriteBlobAsync(configDigest, config);
        var manifest = OciJson.Serialize(new OciImageManifest
        {
            MediaType = OciMediaTypes.ImageManifest,
            Config = new OciDescriptor { MediaType = OciMediaTypes.ImageConfig, Digest = configDigest, Size = config.LongLength },
            Layers = descriptors,
        });
        var manifestDigest = TarBuilder.Sha256(manifest);
        await WriteBlobAsync(manifestDigest, manifest);
        var index = OciJson.Serialize(new OciImageIndex
        {
            MediaType = OciMediaTypes.ImageIndex,
            Manifests =
            [
                new OciDescriptor
                {
                    MediaType = OciMediaTypes.ImageManifest,
                    Digest = manifestDigest,
                    Size = manifest.LongLength,
                    Annotations = new Dictionary<string, string> { [OciMediaTypes.RefNameAnnotation] = "test" },
                },
            ],
        });
        await File.WriteAllBytesAsync(Path.Combine(Root, "index.json"), index);
        await File.WriteAllTextAsync(Path.Combine(Root, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        return this;
    }

    public Task<InventoryResult> ScanAsync(ScanLimits? limits = null) =>
        new ImageInventoryScanner(new ImageSourceOpener()).ScanAsync(Source, limits);

    public static async Task<InventoryResult> ScanAsync(IReadOnlyList<TestLayer> layers, ScanLimits? limits = null)
    {
        using var image = new TestImage();
        await image.WriteAsync(layers);
        return await image.ScanAsync(limits);
    }

    public void Dispose()
    {
        // Only ever our own GUID-named folder under the temp directory.
        if (Root.StartsWith(Path.Combine(Path.GetTempPath(), "gatehouse-scanner-tests"), StringComparison.Ordinal) && Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }

    private async Task WriteBlobAsync(string digest, byte[] content)
    {
        var path = Path.Combine(Root, "blobs", "sha256", digest["sha256:".Length..]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, content);
    }
}

/// <summary>An image whose layers are produced on demand (generated streams): no bytes held or written.</summary>
internal sealed class StreamImageSource(IReadOnlyList<(Func<Stream> Open, string? MediaType, string? DiffId)> layers) : IImageSource
{
    public SourceImage Image { get; } = new()
    {
        Name = "memory",
        Layers = layers.Select(l => new SourceLayer(null, l.DiffId, l.MediaType, 0)).ToList(),
    };

    public async Task<ILayerEntryReader> OpenLayerAsync(int index, ScanLimits limits, ByteBudget uncompressedBudget, CancellationToken cancellationToken) =>
        await TarLayerReader.OpenAsync(layers[index].Open(), index, layers[index].MediaType, layers[index].DiffId, limits, uncompressedBudget, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
