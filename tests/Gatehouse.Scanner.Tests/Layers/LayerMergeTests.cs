using Gatehouse.Oci;
using Gatehouse.Scanner.Inventory;
using Gatehouse.Scanner.Layers;
using Gatehouse.Scanner.Sources;

namespace Gatehouse.Scanner.Tests.Layers;

/// <summary>Layer semantics observed through the packages a scan reports: whiteouts, opaque folders, links, compression.</summary>
public sealed class LayerMergeTests
{
    private static string Apk(params string[] packages) =>
        string.Concat(packages.Select(p => $"P:{p}\nV:1.0-r0\nA:x86_64\no:{p}\n\n"));

    private static string Dpkg(params string[] packages) =>
        string.Concat(packages.Select(p => $"Package: {p}\nStatus: install ok installed\nVersion: 1.0\nArchitecture: amd64\n\n"));

    private static TarBuilder Alpine() => new TarBuilder().File("etc/alpine-release", "3.19.1\n");

    [Fact]
    public async Task WhiteoutDeletesALowerLayersFile()
    {
        var result = await TestImage.ScanAsync(
        [
            TestLayer.Gzip(Alpine().File("lib/apk/db/installed", Apk("musl")).File("var/lib/dpkg/status.d/tzdata", Dpkg("tzdata"))),
            TestLayer.Gzip(new TarBuilder().Whiteout("var/lib/dpkg/status.d/tzdata")),
        ]);

        Assert.Equal(["musl"], result.Packages.Select(p => p.Name));
    }

    [Fact]
    public async Task WhiteoutOfAFolderDeletesEverythingBelowIt()
    {
        var result = await TestImage.ScanAsync(
        [
            TestLayer.Gzip(Alpine().File("var/lib/dpkg/status.d/a", Dpkg("a")).File("var/lib/dpkg/status.d/b", Dpkg("b"))),
            TestLayer.Gzip(new TarBuilder().Whiteout("var/lib/dpkg/status.d")),
        ]);

        Assert.Empty(result.Packages);
    }

    [Fact]
    public async Task OpaqueFolderHidesLowerContentButKeepsItsOwnLayers()
    {
        var result = await TestImage.ScanAsync(
        [
            TestLayer.Gzip(Alpine().File("var/lib/dpkg/status.d/old", Dpkg("old")).File("var/lib/dpkg/status.d/kept-name", Dpkg("lower"))),
            // The marker may come after the layer's own entries in the same folder: those survive.
            TestLayer.Gzip(new TarBuilder().File("var/lib/dpkg/status.d/new", Dpkg("new")).Opaque("var/lib/dpkg/status.d")),
        ]);

        var package = Assert.Single(result.Packages);
        Assert.Equal("new", package.Name);
        Assert.Equal(1, package.Location.LayerIndex);
    }

    [Fact]
    public async Task ReaddedFileAfterWhiteoutIsAttributedToTheLayerThatReaddedIt()
    {
        var result = await TestImage.ScanAsync(
        [
            TestLayer.Gzip(Alpine().File("var/lib/dpkg/status.d/a", Dpkg("a"))),
            TestLayer.Gzip(new TarBuilder().Whiteout("var/lib/dpkg/status.d/a")),
            TestLayer.Gzip(new TarBuilder().File("var/lib/dpkg/status.d/a", Dpkg("a"))),
        ]);

        Assert.Equal(2, Assert.Single(result.Packages).Location.LayerIndex);
    }

    [Fact]
    public async Task PackagesKeepTheLayerThatIntroducedThemWhenTheDatabaseIsRewritten()
    {
        var result = await TestImage.ScanAsync(
        [
            TestLayer.Gzip(Alpine().File("lib/apk/db/installed", Apk("musl", "busybox"))),
            TestLayer.Gzip(new TarBuilder().File("lib/apk/db/installed", Apk("musl", "busybox", "curl"))),
            TestLayer.Gzip(new TarBuilder().File("lib/apk/db/installed", Apk("musl", "curl", "zlib"))),
        ]);

        var layers = result.Packages.ToDictionary(p => p.Name, p => p.Location.LayerIndex);
        Assert.Equal(new Dictionary<string, int> { ["musl"] = 0, ["curl"] = 1, ["zlib"] = 2 }, layers);
        var curl = result.Packages.Single(p => p.Name == "curl");
        Assert.Equal(result.Layers[1].Digest, curl.Location.LayerDigest);
        Assert.Equal(result.Layers[1].DiffId, curl.Location.DiffId);
    }

    [Fact]
    public async Task HardLinkSharesItsTargetsContent()
    {
        var result = await TestImage.ScanAsync(
        [
            TestLayer.Gzip(Alpine()
                .File("usr/lib/apk-db-copy", Apk("musl"))
                .Directory("lib/apk/db")
                .HardLink("lib/apk/db/installed", "usr/lib/apk-db-copy")),
        ]);

        var musl = Assert.Single(result.Packages);
        Assert.Equal("lib/apk/db/installed", musl.Location.Path);
    }

    [Fact]
    public async Task HardLinkToAMissingTargetIsReported()
    {
        var result = await TestImage.ScanAsync([TestLayer.Gzip(Alpine().HardLink("lib/apk/db/installed", "nowhere"))]);

        Assert.Empty(result.Packages);
        Assert.Contains(result.Problems, p => p.Code == ProblemCodes.LinkUnresolved && p.Path == "lib/apk/db/installed");
    }

    [Fact]
    public async Task SymlinkedReleaseFileIsFollowedInsideTheImage()
    {
        var result = await TestImage.ScanAsync(
        [
            TestLayer.Gzip(new TarBuilder()
                .File("usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n")
                .Symlink("etc/os-release", "../usr/lib/os-release")
                .File("var/lib/dpkg/status", Dpkg("bash"))),
        ]);

        Assert.Equal("debian-12", result.Distro?.PurlQualifier);
        Assert.Equal("pkg:deb/debian/bash@1.0?arch=amd64&distro=debian-12", Assert.Single(result.Packages).Purl);
    }

    [Theory]
    [InlineData("zstd")]
    [InlineData("uncompressed")]
    [InlineData("gzip")]
    public async Task EveryLayerCompressionReadsTheSame(string compression)
    {
        var tar = Alpine().File("lib/apk/db/installed", Apk("musl", "zlib"));
        var layer = compression switch
        {
            "zstd" => TestLayer.Zstd(tar),
            "uncompressed" => TestLayer.Uncompressed(tar),
            _ => TestLayer.Gzip(tar),
        };

        var result = await TestImage.ScanAsync([layer]);

        Assert.Equal(["musl", "zlib"], result.Packages.Select(p => p.Name));
        Assert.Equal(layer.MediaType, result.Layers[0].MediaType);
        Assert.Equal(layer.DiffId, result.Layers[0].DiffId);
        Assert.True(result.Layers[0].UncompressedSize >= 2048);
        Assert.Empty(result.Problems);
    }

    [Fact]
    public async Task MislabelledCompressionIsReadByMagicBytesAndReported()
    {
        var layer = TestLayer.Zstd(Alpine().File("lib/apk/db/installed", Apk("musl"))) with { MediaType = OciMediaTypes.ImageLayerGzip };

        var result = await TestImage.ScanAsync([layer]);

        Assert.Single(result.Packages);
        var warning = Assert.Single(result.Problems, p => p.Code == ProblemCodes.LayerWarning);
        Assert.Contains("Zstd", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProgressIsReportedPerLayer()
    {
        using var image = new TestImage();
        await image.WriteAsync(
        [
            TestLayer.Gzip(Alpine().File("lib/apk/db/installed", Apk("musl"))),
            TestLayer.Gzip(new TarBuilder().File("x", "y")),
        ]);
        var reports = new List<ScanProgress>();

        await new ImageInventoryScanner(new ImageSourceOpener())
            .ScanAsync(image.Source, progress: new SynchronousProgress(reports.Add));

        Assert.Equal(ScanStage.Resolving, reports[0].Stage);
        Assert.Equal(ScanStage.Done, reports[^1].Stage);
        Assert.Contains(reports, r => r.Stage == ScanStage.ReadingLayer && r.LayerIndex == 1 && r.LayerCount == 2);
        var lastRead = reports.Last(r => r.Stage == ScanStage.ReadingLayer);
        Assert.Equal(lastRead.TotalSize, lastRead.TotalBytesRead);
    }

    private sealed class SynchronousProgress(Action<ScanProgress> report) : IProgress<ScanProgress>
    {
        public void Report(ScanProgress value) => report(value);
    }
}
