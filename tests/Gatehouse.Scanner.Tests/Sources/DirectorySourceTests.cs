using Gatehouse.Scanner.Inventory;
using Gatehouse.Scanner.Layers;
using Gatehouse.Scanner.Sources;
using Gatehouse.Testing;

namespace Gatehouse.Scanner.Tests.Sources;

public sealed class DirectorySourceTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "gatehouse-scanner-tests", Guid.NewGuid().ToString("N"));

    public DirectorySourceTests() => Directory.CreateDirectory(_root);

    [Fact]
    public async Task AbsoluteSymlinksResolveInsideTheScannedRootNotOnTheHost()
    {
        Write("usr/lib/os-release", "ID=alpine\nVERSION_ID=3.19.1\n");
        Directory.CreateDirectory(Path.Combine(_root, "etc"));
        File.CreateSymbolicLink(Path.Combine(_root, "etc", "os-release"), "/usr/lib/os-release");
        Write("lib/apk/db/installed", "P:musl\nV:1.2.4-r2\nA:x86_64\no:musl\n\n");

        var result = await new ImageInventoryScanner(new ImageSourceOpener()).ScanAsync($"dir:{_root}");

        Assert.Equal("alpine-3.19.1", result.Distro?.PurlQualifier);
        Assert.Equal("etc/os-release", result.Distro?.SourcePath);
        var musl = Assert.Single(result.Packages);
        Assert.Equal("pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.19.1", musl.Purl);
        Assert.Null(musl.Location.LayerDigest);
        var layer = Assert.Single(result.Layers);
        Assert.Null(layer.Digest);
    }

    [Fact]
    public async Task SharedFixtureRootIsReadWithoutCopying()
    {
        var result = await new ImageInventoryScanner(new ImageSourceOpener())
            .ScanAsync("dir:" + RepoPaths.TestData("inventory", "apk", "single"));

        Assert.Equal("musl-utils", Assert.Single(result.Packages).Name);
    }

    [Fact]
    public async Task MissingDirectoryIsASourceFailure()
    {
        var error = await Assert.ThrowsAsync<ImageAnalysisException>(() =>
            new ImageInventoryScanner(new ImageSourceOpener()).ScanAsync($"dir:{_root}/missing"));

        Assert.Equal(AnalysisFailureKind.SourceUnavailable, error.Kind);
    }

    [Fact]
    public async Task CapturedBytesCountAgainstTheUncompressedLimit()
    {
        Write("var/lib/dpkg/status", new string('#', 10_000));

        var error = await Assert.ThrowsAsync<ImageLimitExceededException>(() =>
            new ImageInventoryScanner(new ImageSourceOpener()).ScanAsync($"dir:{_root}", new ScanLimits { MaxTotalUncompressedBytes = 1000 }));

        Assert.Equal(LimitKind.TotalUncompressedBytes, error.Limit);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Write(string path, string text)
    {
        var full = Path.Combine(_root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }
}
