using Gatehouse.Oci;
using Gatehouse.Oci.Layout;
using Gatehouse.Scanner.Inventory;
using Gatehouse.Scanner.Layers;
using Gatehouse.Scanner.Sources;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Scanner.Tests.Sources;

/// <summary>
/// Registry references against the local Distribution registry (GATEHOUSE_TEST_REGISTRY from
/// <c>eval $(scripts/infra.sh env)</c>; the test fails, never skips, when it is not set).
/// </summary>
public sealed class RegistrySourceTests
{
    private static string Registry
    {
        get
        {
            var registry = Environment.GetEnvironmentVariable("GATEHOUSE_TEST_REGISTRY");
            Assert.False(string.IsNullOrEmpty(registry), "GATEHOUSE_TEST_REGISTRY is not set: run `eval $(scripts/infra.sh env)` after scripts/infra.sh start");
            return registry;
        }
    }

    private static IImageStoreFactory Stores()
    {
        var services = new ServiceCollection().AddOciClient(new ConfigurationBuilder().Build());
        return services.BuildServiceProvider().GetRequiredService<IImageStoreFactory>();
    }

    [Fact]
    public async Task TagAndDigestReferencesAreScannedFromTheRegistry()
    {
        var stores = Stores();
        var repository = $"scanner-tests/apk-{Guid.NewGuid():N}";
        var built = await new OciImageLayoutBuilder()
            .AddLayer(layer => layer
                .AddTextFile("etc/alpine-release", "3.19.1\n")
                .AddTextFile("lib/apk/db/installed", "P:musl\nV:1.2.4-r2\nA:x86_64\no:musl\n\n"))
            .AddLayer(layer => layer.AddTextFile("lib/apk/db/installed", "P:musl\nV:1.2.4-r2\nA:x86_64\no:musl\n\nP:zlib\nV:1.3-r0\nA:x86_64\n\n"))
            .PushAsync(stores.ForRegistry(Registry), repository, "1.0");
        var scanner = new ImageInventoryScanner(new ImageSourceOpener(stores));

        var byTag = await scanner.ScanAsync($"{Registry}/{repository}:1.0");
        var byDigest = await scanner.ScanAsync($"docker://{Registry}/{repository}@{built.Digest}");

        foreach (var result in new[] { byTag, byDigest })
        {
            Assert.Equal(built.Digest, result.Image.ManifestDigest);
            Assert.Equal($"{Registry}/{repository}", result.Image.Repository);
            Assert.Equal(built.Layers.Select(l => l.Digest), result.Layers.Select(l => l.Digest));
            Assert.Equal(built.DiffIds, result.Layers.Select(l => l.DiffId));
            Assert.Equal(["musl@0", "zlib@1"], result.Packages.Select(p => $"{p.Name}@{p.Location.LayerIndex}"));
        }
        Assert.Equal("1.0", byTag.Image.Reference);
    }

    [Fact]
    public async Task MissingImageIsAPermanentSourceFailure()
    {
        var scanner = new ImageInventoryScanner(new ImageSourceOpener(Stores()));

        var error = await Assert.ThrowsAsync<ImageAnalysisException>(() => scanner.ScanAsync($"{Registry}/scanner-tests/does-not-exist:1"));

        Assert.Equal(AnalysisFailureKind.SourceUnavailable, error.Kind);
        Assert.False(error.Retryable);
    }

    [Fact]
    public async Task UnreachableRegistryIsARetryableFailure()
    {
        // Port 9 (discard) on loopback: nothing listens there.
        var scanner = new ImageInventoryScanner(new ImageSourceOpener(Stores()));

        var error = await Assert.ThrowsAsync<ImageAnalysisException>(() => scanner.ScanAsync("127.0.0.1:9/scanner-tests/x:1"));

        Assert.True(error.Retryable, error.Reason);
    }
}
