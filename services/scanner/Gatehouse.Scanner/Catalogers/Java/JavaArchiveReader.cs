using System.IO.Compression;
using System.Text;

namespace Gatehouse.Scanner.Catalogers.Java;

/// <summary>A Java package found inside an archive, before it has an image location.</summary>
/// <param name="VirtualPath">Archive path inside the image file: <c>app.war:WEB-INF/lib/x.jar</c> for nested jars.</param>
/// <param name="Source"><c>pom.properties</c> or <c>manifest</c>.</param>
public sealed record JavaArchivePackage(string Name, string Version, string Purl, IReadOnlyList<string> Licenses, string VirtualPath, string Source);

/// <summary>What <see cref="JavaArchiveCataloger"/>'s streaming analysis of one archive found.</summary>
public sealed record JavaArchiveFinding(IReadOnlyList<JavaArchivePackage> Packages, IReadOnlyList<string> Problems);

/// <summary>
/// Reads jar/war/ear archives held in memory: every <c>pom.properties</c> under META-INF/maven is a
/// package; without one, the manifest describes the archive itself (the file name only fills in a
/// missing version, or stands in for a missing manifest). Nested archives
/// (WEB-INF/lib, BOOT-INF/lib, lib/ …) are opened recursively up to a depth, each within a size bound.
/// </summary>
internal sealed class JavaArchiveReader(int maxDepth, long maxArchiveBytes)
{
    private readonly List<JavaArchivePackage> _packages = [];
    private readonly List<string> _problems = [];

    public JavaArchiveFinding Read(string fileName, Stream seekable)
    {
        Read(fileName, fileName, seekable, depth: 0);
        return new JavaArchiveFinding(_packages, _problems);
    }

    private void Read(string fileName, string virtualPath, Stream seekable, int depth)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(seekable, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            _problems.Add($"{virtualPath}: not a readable zip archive ({e.Message})");
            return;
        }
        using (zip)
        {
            JavaManifest? manifest = null;
            var poms = new List<PomProperties>();
            foreach (var entry in zip.Entries)
            {
                try
                {
                    if (entry.FullName.Equals("META-INF/MANIFEST.MF", StringComparison.OrdinalIgnoreCase))
                    {
                        manifest = JavaManifest.Parse(ReadText(entry));
                    }
                    else if (IsPomProperties(entry.FullName))
                    {
                        poms.Add(PomProperties.Parse(ReadText(entry)));
                    }
                    else if (JavaArchiveCataloger.IsArchiveName(entry.FullName) && entry.Length > 0)
                    {
                        ReadNested(entry, $"{virtualPath}:{entry.FullName}", depth + 1);
                    }
                }
                catch (Exception e) when (e is FormatException or InvalidDataException)
                {
                    _problems.Add($"{virtualPath}:{entry.FullName}: {e.Message}");
                }
            }
            AddPackages(fileName, virtualPath, manifest, poms);
        }
    }

    private void AddPackages(string fileName, string virtualPath, JavaManifest? manifest, List<PomProperties> poms)
    {
        var licenses = manifest?.Licenses() ?? [];
        var (fileArtifact, fileVersion) = JavaNames.FromFileName(fileName);
        if (poms.Count > 0)
        {
            // Shaded jars carry several pom.properties; the archive's own one gets the manifest licences.
            var own = poms.FirstOrDefault(p => p.ArtifactId == fileArtifact) ?? (poms.Count == 1 ? poms[0] : null);
            foreach (var pom in poms)
            {
                _packages.Add(new JavaArchivePackage(pom.Name, pom.Version, JavaNames.Purl(pom.GroupId, pom.ArtifactId, pom.Version),
                    ReferenceEquals(pom, own) ? licenses : [], virtualPath, "pom.properties"));
            }
            return;
        }
        // A manifest that names nothing means no package (the convention of the shared expectations);
        // only an archive without any manifest falls back to its file name.
        var name = manifest is null ? fileArtifact : manifest.DeclaredName();
        if (string.IsNullOrEmpty(name))
        {
            return;
        }
        var version = manifest?.DeclaredVersion() ?? fileVersion ?? "";
        _packages.Add(new JavaArchivePackage(name, version, JavaNames.PurlFromManifest(manifest, name, version), licenses, virtualPath, "manifest"));
    }

    private void ReadNested(ZipArchiveEntry entry, string virtualPath, int depth)
    {
        if (depth > maxDepth)
        {
            _problems.Add($"{virtualPath}: nested deeper than {maxDepth} archives; not opened");
            return;
        }
        if (entry.Length > maxArchiveBytes)
        {
            _problems.Add($"{virtualPath}: {entry.Length} bytes, over the {maxArchiveBytes}-byte archive limit; not opened");
            return;
        }
        using var buffer = new MemoryStream((int)entry.Length);
        using (var content = entry.Open())
        {
            content.CopyTo(buffer);
        }
        buffer.Position = 0;
        Read(Path.GetFileName(entry.FullName), virtualPath, buffer, depth);
    }

    private static bool IsPomProperties(string path) =>
        path.StartsWith("META-INF/maven/", StringComparison.Ordinal) && path.EndsWith("/pom.properties", StringComparison.Ordinal);

    private static string ReadText(ZipArchiveEntry entry)
    {
        // Metadata files are small; a huge one is hostile.
        if (entry.Length > 1024 * 1024)
        {
            throw new InvalidDataException($"{entry.FullName} is {entry.Length} bytes, too large for metadata");
        }
        using var reader = new StreamReader(entry.Open(), Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
