using System.Text;
using Gatehouse.Contracts;
using Gatehouse.Oci.Layout;
using Gatehouse.Testing;

namespace Gatehouse.Oci.Tests;

/// <summary>
/// Against the real Docker Distribution registry that scripts/infra.sh starts (2.8: no referrers API, so the
/// tag-schema fallback is what is exercised). Missing infrastructure fails these tests; it never skips them.
/// </summary>
public sealed class RegistryIntegrationTests : IDisposable
{
    private const string Sbom = "application/vnd.cyclonedx+json";

    private readonly TempDirectory _temp = new();
    private readonly IImageStoreFactory _factory = OciTestHost.Build().GetRequiredService<IImageStoreFactory>();

    // Unique per run, so reruns against a long-lived registry never see each other's tags.
    private readonly string _repository = $"gatehouse-test/oci-{Guid.NewGuid():N}";

    public void Dispose() => _temp.Dispose();

    private static IImageStore RegistryStore(IImageStoreFactory factory) => factory.ForRegistry(TestInfra.Registry);

    [Fact]
    public async Task Image_built_locally_is_pushed_resolved_and_read_back()
    {
        var registry = RegistryStore(_factory);
        var layout = _factory.ForLayout(_temp.Sub("layout"));
        var built = await LayoutImages.Sample().PushAsync(layout, "", "v1");

        var copied = await ImageCopier.CopyAsync(layout, "", "v1", registry, _repository, "v1");
        var image = await registry.ResolveAsync(_repository, "v1");

        Assert.Equal(built.Digest, copied.Digest);
        Assert.Equal(built.Digest, image.ManifestDigest);
        Assert.Equal(built.DiffIds, image.Config.RootFs.DiffIds);
        Assert.Equal("sample", image.Config.Labels["org.opencontainers.image.title"]);
        await using var layer = await registry.OpenBlobAsync(_repository, image.Layers[0].Digest, image.Layers[0].Size);
        var files = await LayoutImages.ReadLayerAsync(layer);
        Assert.Equal("ID=debian\nVERSION_ID=\"12\"\n", files["etc/os-release"]);
        Assert.Equal(built.Digest, (await registry.HeadManifestAsync(_repository, "v1"))?.Digest);
        Assert.Null(await registry.HeadManifestAsync(_repository, "no-such-tag"));
        await Assert.ThrowsAsync<OciNotFoundException>(() => registry.GetManifestAsync(_repository, "no-such-tag"));
    }

    [Fact]
    public async Task Existing_blobs_are_skipped_and_tags_are_listed()
    {
        var registry = RegistryStore(_factory);
        var first = await LayoutImages.Sample().PushAsync(registry, _repository, "one");
        await LayoutImages.Sample().PushAsync(registry, _repository, "two");
        var extra = Encoding.UTF8.GetBytes("a blob pushed twice " + Guid.NewGuid());
        var digest = ContentDigest.ComputeSha256(extra).ToString();

        Assert.True(await registry.PushBlobAsync(_repository, digest, extra.Length, new MemoryStream(extra)));
        Assert.False(await registry.PushBlobAsync(_repository, digest, extra.Length, new MemoryStream(extra)));
        Assert.Equal(extra, await registry.ReadBlobAsync(_repository, new OciDescriptor { MediaType = "application/octet-stream", Digest = digest, Size = extra.Length }));
        Assert.Equal(["one", "two"], (await registry.ListTagsAsync(_repository)).Order());
        Assert.True(await registry.BlobExistsAsync(_repository, first.Layers[0].Digest));
    }

    [Fact]
    public async Task Referrer_artifacts_are_attached_and_found_through_the_tag_schema_fallback()
    {
        var registry = RegistryStore(_factory);
        var built = await LayoutImages.Sample().PushAsync(registry, _repository, "v1");
        var sbom = Encoding.UTF8.GetBytes($$"""{"bomFormat":"CycloneDX","specVersion":"1.6","serialNumber":"urn:uuid:{{Guid.NewGuid()}}"}""");
        var signature = Encoding.UTF8.GetBytes("not really a signature");

        var sbomReferrer = await registry.AttachReferrerAsync(_repository, built.Manifest, new ReferrerArtifact(Sbom, [new ArtifactBlob(Sbom, sbom)]));
        var sigReferrer = await registry.AttachReferrerAsync(_repository, built.Manifest,
            new ReferrerArtifact("application/vnd.example.signature", [new ArtifactBlob("application/octet-stream", signature)]));

        var all = await registry.GetReferrersAsync(_repository, built.Digest);
        Assert.Equal([sbomReferrer.Digest, sigReferrer.Digest], all.Select(r => r.Digest));
        var sboms = await registry.GetReferrersAsync(_repository, built.Digest, Sbom);
        Assert.Equal(sbomReferrer.Digest, Assert.Single(sboms).Digest);
        Assert.Contains(ReferrerManifests.TagSchemaTag(built.Digest), await registry.ListTagsAsync(_repository));
        var manifest = ManifestParser.ParseManifest((await registry.GetManifestAsync(_repository, sbomReferrer.Digest)).Bytes, "sbom referrer");
        Assert.Equal(built.Digest, manifest.Subject?.Digest);
        Assert.Equal(sbom, await registry.ReadBlobAsync(_repository, manifest.Layers[0]));
        // Attaching the same artifact again does not duplicate it.
        await registry.AttachReferrerAsync(_repository, built.Manifest, new ReferrerArtifact(Sbom, [new ArtifactBlob(Sbom, sbom)]));
        Assert.Equal(2, (await registry.GetReferrersAsync(_repository, built.Digest)).Count);
    }

    [Fact]
    public async Task Multi_platform_index_resolves_to_amd64_by_default_and_to_arm64_on_request()
    {
        var registry = RegistryStore(_factory);
        var amd64 = await LayoutImages.Sample().PushAsync(registry, _repository, null);
        var arm64 = await LayoutImages.Sample(ImagePlatform.Parse("linux/arm64/v8")).PushAsync(registry, _repository, null);
        var index = await OciImageLayoutBuilder.PushIndexAsync(registry, _repository, "multi", [arm64, amd64]);

        var byDefault = await _factory.Open($"{TestInfra.Registry}/{_repository}:multi").ResolveAsync();
        var arm = await registry.ResolveAsync(_repository, "multi", ImagePlatform.Parse("linux/arm64"));

        Assert.Equal((amd64.Digest, index.Digest), (byDefault.ManifestDigest, byDefault.IndexDigest));
        Assert.Equal(arm64.Digest, arm.ManifestDigest);
    }

    [Fact]
    public async Task Real_debian_image_from_the_test_image_cache_round_trips_through_the_registry()
    {
        var debian = _factory.Open($"oci:{Path.Combine(TestInfra.ImagesDirectory, "debian12")}:12");
        var local = await debian.ResolveAsync();
        var registry = RegistryStore(_factory);

        await ImageCopier.CopyAsync(debian.Store, debian.Repository, debian.Reference, registry, _repository, "12");
        var pushed = await registry.ResolveAsync(_repository, "12");

        Assert.Equal(local.ManifestDigest, pushed.ManifestDigest);
        Assert.Equal(("linux", "amd64"), (pushed.Config.Os, pushed.Config.Architecture));
        var layer = Assert.Single(pushed.Layers);
        await using var stream = await registry.OpenBlobAsync(_repository, layer.Digest, layer.Size);
        var files = await LayoutImages.ReadLayerAsync(stream, name => Normalize(name) == "usr/lib/os-release");
        Assert.Contains(files.Keys, k => Normalize(k) == "var/lib/dpkg/status");
        Assert.Contains("VERSION_ID=\"12\"", files.First(f => Normalize(f.Key) == "usr/lib/os-release").Value ?? "", StringComparison.Ordinal);

        static string Normalize(string name) => name.TrimStart('.', '/');
    }
}
