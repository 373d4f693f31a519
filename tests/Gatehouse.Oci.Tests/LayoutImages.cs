using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Gatehouse.Oci.Layout;

namespace Gatehouse.Oci.Tests;

/// <summary>A two-layer sample image and a helper to read a layer back as files.</summary>
internal static class LayoutImages
{
    public static OciImageLayoutBuilder Sample(ImagePlatform? platform = null) => new OciImageLayoutBuilder(platform)
        .WithLabel("org.opencontainers.image.title", "sample")
        .WithEnv("PATH=/usr/bin")
        .WithCmd("/bin/app")
        .AddLayer(layer => layer
            .AddTextFile("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n")
            .AddTextFile("var/lib/dpkg/status", "Package: base-files\nVersion: 12.4\n")
            .AddSymlink("bin", "usr/bin"), "base")
        .AddLayer(layer => layer
            .AddTextFile("opt/app/version.txt", platform?.ToString() ?? "linux/amd64")
            .AddWhiteout("var/lib/dpkg/status"), "app");

    /// <summary>Gunzips and untars a layer; returns path → content (null for non-files and for files not <paramref name="capture"/>d).</summary>
    public static async Task<Dictionary<string, string?>> ReadLayerAsync(Stream blob, Func<string, bool>? capture = null)
    {
        var files = new Dictionary<string, string?>();
        await using (var gzip = new GZipStream(blob, CompressionMode.Decompress, leaveOpen: true))
        await using (var reader = new TarReader(gzip))
        {
            while (await reader.GetNextEntryAsync() is { } entry)
            {
                string? text = null;
                if (entry.DataStream is not null && (capture is null || capture(entry.Name)))
                {
                    using var content = new StreamReader(entry.DataStream, Encoding.UTF8);
                    text = await content.ReadToEndAsync();
                }

                files[entry.Name] = entry.EntryType == TarEntryType.SymbolicLink ? "-> " + entry.LinkName : text;
            }
        }

        // Drain to the end so the digest is checked (tar stops at its end marker, gzip may have a trailer left).
        await blob.CopyToAsync(Stream.Null);
        return files;
    }
}
