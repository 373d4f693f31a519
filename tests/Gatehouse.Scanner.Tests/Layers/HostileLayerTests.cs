using System.IO.Compression;
using Gatehouse.Oci;
using Gatehouse.Scanner.Inventory;
using Gatehouse.Scanner.Layers;
using Gatehouse.Scanner.Sources;

namespace Gatehouse.Scanner.Tests.Layers;

/// <summary>Layers built to hurt: each must end in a specific, bounded failure or a reported problem, never a crash.</summary>
public sealed class HostileLayerTests
{
    private const string ApkDb = "P:musl\nV:1.2.4-r2\nA:x86_64\no:musl\n\n";

    [Fact]
    public async Task GzipBombStopsAtTheUncompressedBytesLimit()
    {
        // 256 MiB of zeros gzip to about 250 KiB; the scan may inflate only 16 MiB of it.
        byte[] bomb;
        using (var compressed = new MemoryStream())
        {
            using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                await GeneratedTarStream.OneZeroFile(256L * 1024 * 1024).CopyToAsync(gzip);
            }
            bomb = compressed.ToArray();
        }
        Assert.True(bomb.Length < 2 * 1024 * 1024);
        var limits = new ScanLimits { MaxTotalUncompressedBytes = 16L * 1024 * 1024 };
        var layer = new TestLayer(bomb, OciMediaTypes.ImageLayerGzip, "sha256:" + new string('0', 64));

        var error = await Assert.ThrowsAsync<ImageLimitExceededException>(() => TestImage.ScanAsync([layer], limits));

        Assert.Equal(LimitKind.TotalUncompressedBytes, error.Limit);
        Assert.Equal(AnalysisFailureKind.LimitExceeded, error.Kind);
        Assert.False(error.Retryable);
        Assert.Contains("TotalUncompressedBytes", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TruncatedLayerIsCorrupt()
    {
        var tar = new TarBuilder().File("lib/apk/db/installed", ApkDb).File("big", new byte[200_000]).Tar();
        var truncated = TarBuilder.Gzip(tar)[..2000];
        // Digest and size name the truncated blob, so only the reading itself can notice.
        var layer = new TestLayer(truncated, OciMediaTypes.ImageLayerGzip, TarBuilder.Sha256(tar));

        var error = await Assert.ThrowsAsync<CorruptLayerException>(() => TestImage.ScanAsync([layer]));

        Assert.Equal(AnalysisFailureKind.CorruptLayer, error.Kind);
        Assert.Equal(0, error.LayerIndex);
    }

    [Fact]
    public async Task TruncatedUncompressedTarIsCorrupt()
    {
        var tar = new TarBuilder().File("big", new byte[10_000]).Tar()[..3000];
        var layer = new TestLayer(tar, OciMediaTypes.ImageLayer, TarBuilder.Sha256(tar));

        var error = await Assert.ThrowsAsync<CorruptLayerException>(() => TestImage.ScanAsync([layer]));

        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BlobNotMatchingItsDigestIsRejected()
    {
        using var image = new TestImage();
        var layer = TestLayer.Gzip(new TarBuilder().File("lib/apk/db/installed", ApkDb));
        await image.WriteAsync([layer], corrupt: (_, blob) =>
        {
            var changed = (byte[])blob.Clone();
            changed[^5] ^= 0xFF; // same size, different content
            return changed;
        });

        var error = await Assert.ThrowsAnyAsync<ImageAnalysisException>(() => image.ScanAsync());

        // Depending on where the flipped byte lands, gzip's own CRC or our digest check notices first.
        Assert.True(error.Kind is AnalysisFailureKind.DigestMismatch or AnalysisFailureKind.CorruptLayer, error.Reason);
    }

    [Fact]
    public async Task BlobWithAChangedContentByteFailsTheDigestCheck()
    {
        using var image = new TestImage();
        var layer = TestLayer.Uncompressed(new TarBuilder().File("lib/apk/db/installed", ApkDb));
        // Uncompressed, so the tar still reads fine: only the blob digest can tell.
        await image.WriteAsync([layer], corrupt: (_, blob) =>
        {
            var changed = (byte[])blob.Clone();
            changed[changed.AsSpan().IndexOf("musl"u8)] = (byte)'M';
            return changed;
        });

        var error = await Assert.ThrowsAsync<BlobDigestMismatchException>(() => image.ScanAsync());

        Assert.Equal(AnalysisFailureKind.DigestMismatch, error.Kind);
        Assert.Equal(TarBuilder.Sha256(layer.Blob), error.Expected);
    }

    [Fact]
    public async Task WrongDiffIdIsRejected()
    {
        var layer = TestLayer.Gzip(new TarBuilder().File("lib/apk/db/installed", ApkDb)) with { DiffId = "sha256:" + new string('a', 64) };

        var error = await Assert.ThrowsAsync<BlobDigestMismatchException>(() => TestImage.ScanAsync([layer]));

        Assert.Equal("sha256:" + new string('a', 64), error.Expected);
        Assert.Contains("diff_id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HundredThousandTinyFilesAreReadWithinTheEntryLimit()
    {
        await using var source = new StreamImageSource([(() => GeneratedTarStream.TinyFiles(100_000), OciMediaTypes.ImageLayer, null)]);

        var result = await new ImageInventoryScanner(new ImageSourceOpener()).ScanAsync(source);

        Assert.Equal(100_000, result.Layers[0].EntryCount);
        Assert.Equal(100_001, result.Statistics.FinalViewEntries); // the files and their folder
        Assert.Empty(result.Packages);
    }

    [Fact]
    public async Task TooManyEntriesStopAtTheEntryLimit()
    {
        await using var source = new StreamImageSource([(() => GeneratedTarStream.TinyFiles(100_000), OciMediaTypes.ImageLayer, null)]);

        var error = await Assert.ThrowsAsync<ImageLimitExceededException>(() =>
            new ImageInventoryScanner(new ImageSourceOpener()).ScanAsync(source, new ScanLimits { MaxEntries = 50_000 }));

        Assert.Equal(LimitKind.Entries, error.Limit);
        Assert.Equal(50_000, error.Configured);
    }

    [Fact]
    public async Task OversizedMetadataFileStopsAtThePerFileLimit()
    {
        var layer = TestLayer.Gzip(new TarBuilder().File("var/lib/dpkg/status", new byte[70_000]));

        var error = await Assert.ThrowsAsync<ImageLimitExceededException>(() =>
            TestImage.ScanAsync([layer], new ScanLimits { MaxBytesPerFile = 64 * 1024 }));

        Assert.Equal(LimitKind.BytesPerFile, error.Limit);
        Assert.Contains("var/lib/dpkg/status", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CapturedBytesAreBoundedOverAllLayers()
    {
        var layers = Enumerable.Range(0, 3)
            .Select(_ => TestLayer.Gzip(new TarBuilder().File("var/lib/dpkg/status", new byte[40_000])))
            .ToList();

        var error = await Assert.ThrowsAsync<ImageLimitExceededException>(() =>
            TestImage.ScanAsync(layers, new ScanLimits { MaxTotalCapturedBytes = 100_000 }));

        Assert.Equal(LimitKind.TotalCapturedBytes, error.Limit);
    }

    [Fact]
    public async Task OverlongNamesStopAtThePathLengthLimit()
    {
        var layer = TestLayer.Gzip(new TarBuilder().File(string.Join('/', Enumerable.Repeat("abcdefghij", 60)), "x"));

        var error = await Assert.ThrowsAsync<ImageLimitExceededException>(() =>
            TestImage.ScanAsync([layer], new ScanLimits { MaxPathLength = 256 }));

        Assert.Equal(LimitKind.PathLength, error.Limit);
    }

    [Fact]
    public async Task RandomBytesAreNotATar()
    {
        var junk = new byte[4096];
        new Random(7).NextBytes(junk);
        var layer = new TestLayer(junk, OciMediaTypes.ImageLayer, TarBuilder.Sha256(junk));

        var error = await Assert.ThrowsAsync<CorruptLayerException>(() => TestImage.ScanAsync([layer]));

        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonLayerMediaTypeIsRefused()
    {
        var layer = TestLayer.Gzip(new TarBuilder().File("a", "b")) with { MediaType = "application/vnd.in-toto+json" };

        var error = await Assert.ThrowsAsync<ImageAnalysisException>(() => TestImage.ScanAsync([layer]));

        Assert.Equal(AnalysisFailureKind.UnsupportedMediaType, error.Kind);
    }

    [Fact]
    public async Task PathsAboveTheRootAreClampedAndReported()
    {
        var layer = TestLayer.Gzip(new TarBuilder()
            .File("../../../lib/apk/db/installed", ApkDb)
            .File("/etc/alpine-release", "3.19.1\n"));

        var result = await TestImage.ScanAsync([layer]);

        // Both land inside the image root, and the climb is on record.
        var musl = Assert.Single(result.Packages);
        Assert.Equal("lib/apk/db/installed", musl.Location.Path);
        Assert.Equal("alpine", result.Distro?.Id);
        var problem = Assert.Single(result.Problems, p => p.Code == ProblemCodes.PathOutsideRoot);
        Assert.Equal(0, problem.LayerIndex);
    }

    [Fact]
    public async Task SymlinkLoopsAndEscapesResolveInsideTheRootOnly()
    {
        var layer = TestLayer.Gzip(new TarBuilder()
            .Symlink("etc/os-release", "loop-a")
            .Symlink("etc/loop-a", "loop-b")
            .Symlink("etc/loop-b", "/etc/os-release")
            .Symlink("escape", "../../../../etc")
            .File("etc/alpine-release", "3.19.1\n")
            .File("lib/apk/db/installed", ApkDb));

        var result = await TestImage.ScanAsync([layer]);

        // The looping os-release is skipped (alpine-release decides), and nothing failed.
        Assert.Equal("alpine", result.Distro?.Id);
        Assert.Equal("3.19.1", result.Distro?.VersionId);
        Assert.Single(result.Packages);
    }

    [Fact]
    public async Task EntriesThroughASymlinkedParentStayInsideTheRoot()
    {
        // "lib" points far above the root; an entry written through it lands under the root's own "etc".
        var layer = TestLayer.Gzip(new TarBuilder()
            .Directory("etc")
            .Symlink("lib", "../../../../../etc")
            .File("lib/alpine-release", "3.20.0\n"));

        var result = await TestImage.ScanAsync([layer]);

        Assert.Equal("3.20.0", result.Distro?.VersionId);
    }

    [Fact]
    public async Task ProblemsPerLayerAreCappedAndCounted()
    {
        var tar = new TarBuilder();
        for (var i = 0; i < 500; i++)
        {
            tar.HardLink($"links/{i}", $"missing/{i}");
        }

        var result = await TestImage.ScanAsync([TestLayer.Gzip(tar)]);

        var unresolved = result.Problems.Where(p => p.Code == ProblemCodes.LinkUnresolved).ToList();
        Assert.Equal(21, unresolved.Count);
        Assert.Contains(unresolved, p => p.Message.StartsWith("480 more problems", StringComparison.Ordinal));
    }
}
