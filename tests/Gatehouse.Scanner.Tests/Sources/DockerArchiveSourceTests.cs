using System.Formats.Tar;
using System.Text;
using Gatehouse.Oci;
using Gatehouse.Scanner.Inventory;
using Gatehouse.Scanner.Layers;
using Gatehouse.Scanner.Sources;
using Gatehouse.Scanner.Tests.Layers;

namespace Gatehouse.Scanner.Tests.Sources;

/// <summary><c>docker save</c> archives, in the legacy layout and in Docker 25's blobs/sha256 layout.</summary>
public sealed class DockerArchiveSourceTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "gatehouse-scanner-tests", Guid.NewGuid().ToString("N"));

    public DockerArchiveSourceTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public async Task LegacyArchiveWithASymlinkedDuplicateLayerIsScanned()
    {
        var baseLayer = new TarBuilder().File("etc/alpine-release", "3.19.1\n").File("lib/apk/db/installed", "P:musl\nV:1.2.4-r2\nA:x86_64\n\n").Tar();
        var upper = new TarBuilder().File("lib/apk/db/installed", "P:musl\nV:1.2.4-r2\nA:x86_64\n\nP:zlib\nV:1.3-r0\nA:x86_64\n\n").Tar();
        var extra = new TarBuilder().File("opt/notes.txt", "same bytes twice").Tar();
        var path = WriteArchive(legacy: true, [baseLayer, extra, upper, extra], ["demo/app:1.0"]);

        var result = await new ImageInventoryScanner(new ImageSourceOpener()).ScanAsync($"docker-archive:{path}");

        Assert.Equal(4, result.Layers.Count);
        Assert.All(result.Layers, l => Assert.Null(l.Digest)); // legacy names carry no blob digest; diff_ids are still checked
        Assert.Equal(TarBuilder.Sha256(upper), result.Layers[2].DiffId);
        Assert.Equal(result.Layers[1].DiffId, result.Layers[3].DiffId); // the symlinked copy was read through its link
        Assert.Equal(2, result.Packages.Single(p => p.Name == "zlib").Location.LayerIndex);
        Assert.Equal(["musl", "zlib"], result.Packages.Select(p => p.Name));
        Assert.Equal("pkg:apk/alpine/zlib@1.3-r0?arch=x86_64&distro=alpine-3.19.1", result.Packages[1].Purl);
        Assert.Equal("demo/app:1.0", result.Image.Reference);
        Assert.StartsWith("sha256:", result.Image.ConfigDigest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BlobsLayoutVerifiesLayerDigests()
    {
        var layer = new TarBuilder().File("lib/apk/db/installed", "P:musl\nV:1.2.4-r2\n\n").Tar();
        var path = WriteArchive(legacy: false, [layer], ["demo/app:2"]);

        var result = await new ImageInventoryScanner(new ImageSourceOpener()).ScanAsync($"docker-archive:{path}:demo/app:2");

        Assert.Equal(TarBuilder.Sha256(layer), result.Layers[0].Digest);
        Assert.Single(result.Packages);
    }

    [Fact]
    public async Task WrongDiffIdIsRejected()
    {
        var layer = new TarBuilder().File("a", "b").Tar();
        var path = WriteArchive(legacy: true, [layer], ["x:1"], diffIds: ["sha256:" + new string('f', 64)]);

        await Assert.ThrowsAsync<BlobDigestMismatchException>(() => new ImageInventoryScanner(new ImageSourceOpener()).ScanAsync($"docker-archive:{path}"));
    }

    [Fact]
    public async Task UnknownTagAndMissingFileAreClearFailures()
    {
        var path = WriteArchive(legacy: true, [new TarBuilder().File("a", "b").Tar()], ["x:1"]);
        var scanner = new ImageInventoryScanner(new ImageSourceOpener());

        var wrongTag = await Assert.ThrowsAsync<ImageAnalysisException>(() => scanner.ScanAsync($"docker-archive:{path}:y:2"));
        var missing = await Assert.ThrowsAsync<ImageAnalysisException>(() => scanner.ScanAsync($"docker-archive:{path}.missing"));

        Assert.Contains("x:1", wrongTag.Message, StringComparison.Ordinal);
        Assert.Equal(AnalysisFailureKind.SourceUnavailable, missing.Kind);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string WriteArchive(bool legacy, IReadOnlyList<byte[]> layers, IReadOnlyList<string> tags, IReadOnlyList<string>? diffIds = null)
    {
        var config = OciJson.Serialize(new OciImageConfig
        {
            Architecture = "amd64",
            Os = "linux",
            RootFs = new OciRootFs { DiffIds = diffIds ?? layers.Select(TarBuilder.Sha256).ToList() },
        });
        var configHex = TarBuilder.Sha256(config)["sha256:".Length..];
        var entries = new List<PaxTarEntry>();
        var layerNames = new List<string>();
        var written = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < layers.Count; i++)
        {
            var hex = TarBuilder.Sha256(layers[i])["sha256:".Length..];
            var name = legacy ? $"{hex[..12]}{i}/layer.tar" : $"blobs/sha256/{hex}";
            if (written.TryGetValue(hex, out var first))
            {
                // docker save links a repeated layer to the first copy instead of storing it twice.
                name = legacy ? $"{hex[..12]}{i}/layer.tar" : first;
                if (legacy)
                {
                    entries.Add(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = "../" + first });
                }
            }
            else
            {
                written[hex] = name;
                entries.Add(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(layers[i]) });
            }
            layerNames.Add(name);
        }
        var configName = legacy ? $"{configHex}.json" : $"blobs/sha256/{configHex}";
        entries.Add(new PaxTarEntry(TarEntryType.RegularFile, configName) { DataStream = new MemoryStream(config) });
        var manifest = $$"""[{"Config":"{{configName}}","RepoTags":[{{string.Join(',', tags.Select(t => $"\"{t}\""))}}],"Layers":[{{string.Join(',', layerNames.Select(n => $"\"{n}\""))}}]}]""";
        entries.Add(new PaxTarEntry(TarEntryType.RegularFile, "manifest.json") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(manifest)) });

        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".tar");
        using var file = File.Create(path);
        using var writer = new TarWriter(file, TarEntryFormat.Pax);
        foreach (var entry in entries)
        {
            writer.WriteEntry(entry);
        }
        return path;
    }
}
