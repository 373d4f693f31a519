using Gatehouse.Scanner.Inventory;
using Gatehouse.Scanner.Sources;

namespace Gatehouse.Scanner.Tests.Layers;

/// <summary>The streaming hook for content that no path names (Go binaries are found by being ELF executables).</summary>
public sealed class StreamingAnalyzerTests
{
    private static readonly byte[] Elf = [0x7F, (byte)'E', (byte)'L', (byte)'F'];
    private const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private static byte[] Binary(string marker, int size)
    {
        var bytes = new byte[size];
        Elf.CopyTo(bytes, 0);
        System.Text.Encoding.ASCII.GetBytes(marker).CopyTo(bytes, 4);
        return bytes;
    }

    [Fact]
    public async Task FindingsSurviveOnlyForFilesTheFinalViewStillHolds()
    {
        using var image = new TestImage();
        await image.WriteAsync(
        [
            TestLayer.Gzip(new TarBuilder()
                .File("usr/bin/deleted", Binary("v1", 64), Executable)
                .File("usr/bin/replaced", Binary("v1", 64), Executable)
                .File("usr/bin/kept", Binary("v1", 8 * 1024 * 1024), Executable)
                .File("usr/share/not-executable", Binary("v1", 64))
                .File("usr/bin/script", "#!/bin/sh\n", Executable)),
            TestLayer.Gzip(new TarBuilder()
                .Whiteout("usr/bin/deleted")
                .File("usr/bin/replaced", Binary("v2", 64), Executable)),
        ]);
        var analyzer = new ElfMarkerCataloger();

        var result = await new ImageInventoryScanner(new ImageSourceOpener(), [analyzer]).ScanAsync(image.Source);

        Assert.Equal(["kept@v1 (layer 0)", "replaced@v2 (layer 1)"], result.Packages.Select(p => $"{p.Name}@{p.Version} (layer {p.Location.LayerIndex})"));
        // Each executable was streamed once per layer it appeared in; none was kept in memory.
        Assert.Equal(5, analyzer.Analyzed);
        Assert.Equal(0, result.Statistics.CapturedBytes);
        Assert.Equal(8L, analyzer.MostBytesRead);
    }

    [Fact]
    public async Task AnalyzerThatThrowsIsReportedAndTheScanContinues()
    {
        using var image = new TestImage();
        await image.WriteAsync([TestLayer.Gzip(new TarBuilder().File("usr/bin/app", Binary("boom", 64), Executable))]);
        var failing = await new ImageInventoryScanner(new ImageSourceOpener(), [new ElfMarkerCataloger()]).ScanAsync(image.Source);

        var problem = Assert.Single(failing.Problems);
        Assert.Equal(ProblemCodes.AnalyzerFailed, problem.Code);
        Assert.Equal("usr/bin/app", problem.Path);
    }

    /// <summary>Reads the 4-byte ELF magic and a 4-byte marker; "boom" makes it throw.</summary>
    private sealed class ElfMarkerCataloger : IStreamingCataloger
    {
        public string Name => "elf-marker";

        public string Version => "1";

        public int Analyzed { get; private set; }

        public long MostBytesRead { get; private set; }

        public FileInterest Select(FileCandidate file) => FileInterest.None;

        public bool SelectForStreaming(FileCandidate file) => file.IsExecutable && file.Size >= 8;

        public async ValueTask<object?> AnalyzeAsync(StreamedFile file, Stream content, CancellationToken cancellationToken)
        {
            Analyzed++;
            var head = new byte[8];
            await content.ReadExactlyAsync(head, cancellationToken);
            MostBytesRead = Math.Max(MostBytesRead, content.Position);
            if (!head.AsSpan(0, 4).SequenceEqual(Elf))
            {
                return null;
            }
            var marker = System.Text.Encoding.ASCII.GetString(head, 4, 4).TrimEnd('\0');
            return marker == "boom" ? throw new InvalidDataException("unreadable build info") : marker;
        }

        public Task<IReadOnlyList<Package>> CatalogAsync(CatalogContext context, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<Package>>(context.Findings.Select(f => new Package
            {
                Name = f.Path[(f.Path.LastIndexOf('/') + 1)..],
                Version = (string)f.Value,
                Type = "generic",
                Purl = PackageUrl.Create("generic", null, f.Path[(f.Path.LastIndexOf('/') + 1)..], (string)f.Value),
                Location = context.Locate(f.Path, f.LayerIndex),
            }).ToList());
    }
}
