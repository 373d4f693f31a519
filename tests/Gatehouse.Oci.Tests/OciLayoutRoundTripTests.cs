using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Gatehouse.Contracts;
using Gatehouse.Oci.Layout;

namespace Gatehouse.Oci.Tests;

public sealed class OciLayoutRoundTripTests : IDisposable
{
    private const string Sbom = "application/vnd.cyclonedx+json";

    private readonly TempDirectory _temp = new();
    private readonly IImageStoreFactory _factory = OciTestHost.Build().GetRequiredService<IImageStoreFactory>();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Built_image_resolves_from_the_layout_with_its_config_and_layers()
    {
        var layout = _temp.Sub("layout");
        var built = await LayoutImages.Sample().WriteToLayoutAsync(layout, "v1");

        var source = _factory.Open($"oci:{layout}:v1");
        var image = await source.ResolveAsync();

        Assert.Equal(built.Digest, image.ManifestDigest);
        Assert.Null(image.IndexDigest);
        Assert.Equal(OciMediaTypes.ImageManifest, image.MediaType);
        Assert.Equal(("linux", "amd64"), (image.Config.Os, image.Config.Architecture));
        Assert.Equal("sample", image.Config.Labels["org.opencontainers.image.title"]);
        Assert.Equal(["/bin/app"], image.Config.Config?.Cmd);
        Assert.Equal(["base", "app"], image.Config.History!.Select(h => h.CreatedBy));
        Assert.Equal(2, image.Layers.Count);
        Assert.All(image.Layers, l => Assert.Equal(OciMediaTypes.ImageLayerGzip, l.MediaType));
        Assert.Equal(built.DiffIds, image.Config.RootFs.DiffIds);
    }

    [Fact]
    public async Task Layer_blobs_read_back_as_the_files_put_in_and_their_diff_ids_match()
    {
        var layout = _temp.Sub("layout");
        var built = await LayoutImages.Sample().WriteToLayoutAsync(layout, "v1");
        var store = _factory.ForLayout(layout);

        await using var first = await store.OpenBlobAsync("", built.Layers[0].Digest, built.Layers[0].Size);
        var files = await LayoutImages.ReadLayerAsync(first);
        await using var second = await store.OpenBlobAsync("", built.Layers[1].Digest, built.Layers[1].Size);
        var secondFiles = await LayoutImages.ReadLayerAsync(second);

        Assert.Equal("ID=debian\nVERSION_ID=\"12\"\n", files["etc/os-release"]);
        Assert.Equal("-> usr/bin", files["bin"]);
        Assert.Contains("etc/", files.Keys); // parent directories are written before their children
        Assert.Contains("var/lib/dpkg/.wh.status", secondFiles.Keys);
        var compressed = await store.ReadBlobAsync("", built.Layers[0]);
        using var tar = new MemoryStream();
        await using (var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress))
        {
            await gzip.CopyToAsync(tar);
        }

        Assert.Equal(built.DiffIds[0], ContentDigest.ComputeSha256(tar.ToArray()).ToString());
    }

    [Fact]
    public async Task Same_inputs_build_the_same_digest()
    {
        var a = await LayoutImages.Sample().WriteToLayoutAsync(_temp.Sub("a"), "x");
        var b = await LayoutImages.Sample().WriteToLayoutAsync(_temp.Sub("b"), "x");

        Assert.Equal(a.Digest, b.Digest);
    }

    [Fact]
    public async Task Layout_index_names_images_with_the_ref_name_annotation_and_a_retag_moves_the_name()
    {
        var layout = _temp.Sub("layout");
        var v1 = await LayoutImages.Sample().WriteToLayoutAsync(layout, "stable");
        var v2 = await LayoutImages.Sample().WithLabel("v", "2").WriteToLayoutAsync(layout, "stable");
        await LayoutImages.Sample().WithLabel("v", "3").WriteToLayoutAsync(layout, "next");

        using var index = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(layout, "index.json")));
        var names = index.RootElement.GetProperty("manifests").EnumerateArray()
            .Select(m => (m.GetProperty("digest").GetString(), m.GetProperty("annotations").GetProperty(OciMediaTypes.RefNameAnnotation).GetString()))
            .ToList();
        Assert.DoesNotContain(names, n => n.Item1 == v1.Digest);
        Assert.Contains((v2.Digest, "stable"), names);
        Assert.Equal(["stable", "next"], await _factory.ForLayout(layout).ListTagsAsync(""));
        Assert.True(File.Exists(Path.Combine(layout, "oci-layout")));
        Assert.Empty(Directory.GetFiles(layout, "*.tmp-*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Attached_referrer_is_listed_for_its_subject_and_its_blob_reads_back()
    {
        var layout = _temp.Sub("layout");
        var built = await LayoutImages.Sample().WriteToLayoutAsync(layout, "v1");
        var store = _factory.ForLayout(layout);
        var sbom = Encoding.UTF8.GetBytes("""{"bomFormat":"CycloneDX","specVersion":"1.6"}""");

        var attached = await store.AttachReferrerAsync("", built.Manifest,
            new ReferrerArtifact(Sbom, [new ArtifactBlob(Sbom, sbom)], new Dictionary<string, string> { ["org.opencontainers.image.created"] = "2024-01-01T00:00:00Z" }));

        var referrers = await store.GetReferrersAsync("", built.Digest);
        var listed = Assert.Single(referrers);
        Assert.Equal(attached.Digest, listed.Digest);
        Assert.Equal(Sbom, listed.ArtifactType);
        Assert.Equal("2024-01-01T00:00:00Z", listed.Annotations?["org.opencontainers.image.created"]);
        Assert.Empty(await store.GetReferrersAsync("", built.Digest, "application/vnd.other"));
        Assert.Empty(await store.GetReferrersAsync("", attached.Digest));
        var manifest = ManifestParser.ParseManifest((await store.GetManifestAsync("", attached.Digest)).Bytes, "referrer");
        Assert.Equal(sbom, await store.ReadBlobAsync("", manifest.Layers[0]));
        // The image is still "the" image of the layout: the referrer has no ref name.
        Assert.Equal(built.Digest, (await _factory.Open($"oci:{layout}").ResolveAsync()).ManifestDigest);
    }

    [Fact]
    public async Task Index_in_a_layout_resolves_per_platform()
    {
        var layout = _temp.Sub("layout");
        var store = _factory.ForLayout(layout);
        var amd64 = await LayoutImages.Sample().PushAsync(store, "", null);
        var arm64 = await LayoutImages.Sample(ImagePlatform.Parse("linux/arm64/v8")).PushAsync(store, "", null);
        var index = await OciImageLayoutBuilder.PushIndexAsync(store, "", "multi", [arm64, amd64]);

        var defaultImage = await store.ResolveAsync("", "multi");
        var armImage = await store.ResolveAsync("", "multi", ImagePlatform.Parse("linux/arm64"));

        Assert.Equal((amd64.Digest, index.Digest), (defaultImage.ManifestDigest, defaultImage.IndexDigest));
        Assert.Equal(arm64.Digest, armImage.ManifestDigest);
        Assert.Equal("v8", armImage.Config.Variant);
    }

    [Fact]
    public async Task Corrupted_blob_on_disk_fails_digest_verification()
    {
        var layout = _temp.Sub("layout");
        var built = await LayoutImages.Sample().WriteToLayoutAsync(layout, "v1");
        var layerPath = Path.Combine(layout, "blobs", "sha256", built.Layers[1].Digest["sha256:".Length..]);
        var bytes = await File.ReadAllBytesAsync(layerPath);
        bytes[^5] ^= 0xFF;
        await File.WriteAllBytesAsync(layerPath, bytes);

        await using var stream = await _factory.ForLayout(layout).OpenBlobAsync("", built.Layers[1].Digest, built.Layers[1].Size);

        await Assert.ThrowsAsync<DigestMismatchException>(() => stream.CopyToAsync(Stream.Null));
    }

    [Fact]
    public async Task Pushing_a_blob_under_the_wrong_digest_leaves_nothing_behind()
    {
        var layout = _temp.Sub("layout");
        var store = _factory.ForLayout(layout);
        var wrong = ContentDigest.ComputeSha256("other"u8).ToString();

        await Assert.ThrowsAsync<DigestMismatchException>(() => store.PushBlobAsync("", wrong, 4, new MemoryStream("data"u8.ToArray())));

        Assert.False(await store.BlobExistsAsync("", wrong));
        Assert.Empty(Directory.GetFiles(layout, "*.tmp-*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Unknown_ref_name_lists_the_names_there_are()
    {
        var layout = _temp.Sub("layout");
        await LayoutImages.Sample().WriteToLayoutAsync(layout, "a");
        await LayoutImages.Sample().WithLabel("x", "y").WriteToLayoutAsync(layout, "b");

        var missing = await Assert.ThrowsAsync<OciNotFoundException>(() => _factory.Open($"oci:{layout}:c").ResolveAsync());
        var ambiguous = await Assert.ThrowsAsync<OciNotFoundException>(() => _factory.Open($"oci:{layout}").ResolveAsync());

        Assert.Contains("ref names: a, b", missing.Message, StringComparison.Ordinal);
        Assert.Contains("name one as oci:<dir>:<ref>", ambiguous.Message, StringComparison.Ordinal);
        Assert.Null(await _factory.ForLayout(layout).HeadManifestAsync("", "c"));
    }

    [Fact]
    public async Task Docker_media_types_build_and_resolve_too()
    {
        var layout = _temp.Sub("layout");
        var builder = LayoutImages.Sample();
        builder.UseDockerMediaTypes = true;
        var built = await builder.WriteToLayoutAsync(layout, "docker");

        var image = await _factory.Open($"oci:{layout}:docker").ResolveAsync();

        Assert.Equal(OciMediaTypes.DockerManifest, image.MediaType);
        Assert.Equal(OciMediaTypes.DockerConfig, image.Manifest.Config.MediaType);
        Assert.Equal(built.Digest, image.ManifestDigest);
    }

    [Fact]
    public async Task Copier_moves_an_index_with_its_images_between_layouts()
    {
        var sourceStore = _factory.ForLayout(_temp.Sub("src"));
        var amd64 = await LayoutImages.Sample().PushAsync(sourceStore, "", null);
        var arm64 = await LayoutImages.Sample(ImagePlatform.Parse("linux/arm64")).PushAsync(sourceStore, "", null);
        var index = await OciImageLayoutBuilder.PushIndexAsync(sourceStore, "", "multi", [amd64, arm64]);
        var destination = _factory.ForLayout(_temp.Sub("dst"));

        var copied = await ImageCopier.CopyAsync(sourceStore, "", "multi", destination, "", "copied");

        Assert.Equal(index.Digest, copied.Digest);
        var arm = await destination.ResolveAsync("", "copied", ImagePlatform.Parse("linux/arm64"));
        Assert.Equal(arm64.Digest, arm.ManifestDigest);
        foreach (var layer in arm.Layers)
        {
            Assert.True(await destination.BlobExistsAsync("", layer.Digest));
        }
    }
}
