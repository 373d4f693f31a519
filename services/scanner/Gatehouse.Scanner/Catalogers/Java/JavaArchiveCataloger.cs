using Gatehouse.Scanner.Inventory;

namespace Gatehouse.Scanner.Catalogers.Java;

/// <summary>
/// Java: jar/war/ear (and Jenkins hpi/jpi) archives, read while the layer streams (they can be large,
/// so they are not captured); plus exploded archives, where <c>META-INF/maven/…/pom.properties</c> and
/// <c>META-INF/MANIFEST.MF</c> lie in the filesystem. Names are <c>groupId:artifactId</c> when a
/// pom.properties gives them, else what the manifest declares.
/// </summary>
public sealed class JavaArchiveCataloger(int maxNestedDepth = 4, long maxArchiveBytes = 64L * 1024 * 1024)
    : MetadataFileCataloger, IStreamingCataloger
{
    private static readonly string[] ArchiveExtensions = [".jar", ".war", ".ear", ".hpi", ".jpi", ".par", ".sar", ".nar", ".kar"];

    public override string Name => "java-archive";

    public override string Version => "1.0.0";

    public static bool IsArchiveName(ReadOnlySpan<char> path)
    {
        foreach (var extension in ArchiveExtensions)
        {
            if (path.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    public override FileInterest Select(FileCandidate file)
    {
        var directory = PathMatch.Directory(file.Path);
        var isManifest = file.FileName.SequenceEqual("MANIFEST.MF") && PathMatch.FileName(directory).SequenceEqual("META-INF");
        var isPom = file.FileName.SequenceEqual("pom.properties") && directory.Contains("META-INF/maven/", StringComparison.Ordinal);
        return isManifest || isPom ? FileInterest.Content : FileInterest.None;
    }

    public bool SelectForStreaming(FileCandidate file) => file.Size > 0 && IsArchiveName(file.Path);

    public async ValueTask<object?> AnalyzeAsync(StreamedFile file, Stream content, CancellationToken cancellationToken)
    {
        var name = PathMatch.FileName(file.Path).ToString();
        if (file.Size > maxArchiveBytes)
        {
            return new JavaArchiveFinding([], [$"{name}: {file.Size} bytes, over the {maxArchiveBytes}-byte archive limit; not opened"]);
        }
        // The central directory is at the end of a zip: hold the archive (bounded above) to read it.
        using var buffer = new MemoryStream((int)file.Size);
        await content.CopyToAsync(buffer, cancellationToken);
        buffer.Position = 0;
        return new JavaArchiveReader(maxNestedDepth, maxArchiveBytes).Read(name, buffer);
    }

    /// <summary>Exploded archives: a loose pom.properties, or a loose manifest when no pom.properties
    /// sits beside it (it would describe the same archive).</summary>
    protected override IEnumerable<Package> Parse(CatalogContext context, CapturedFile file)
    {
        var fileName = PathMatch.FileName(file.Path);
        if (fileName.EndsWith("pom.properties", StringComparison.Ordinal))
        {
            var pom = PomProperties.Parse(file.ReadText());
            return [ToPackage(context, file.Path, file.LayerIndex, new JavaArchivePackage(pom.Name, pom.Version,
                JavaNames.Purl(pom.GroupId, pom.ArtifactId, pom.Version), [], file.Path, "pom.properties"))];
        }
        if (!fileName.SequenceEqual("MANIFEST.MF"))
        {
            return [];
        }
        var manifest = JavaManifest.Parse(file.ReadText());
        var metaInf = PathMatch.Directory(file.Path).ToString();
        if (manifest.DeclaredName() is not { } name || context.FileSystem.Get($"{metaInf}/maven") is { Kind: FileKind.Directory })
        {
            return [];
        }
        var version = manifest.DeclaredVersion() ?? "";
        return [ToPackage(context, file.Path, file.LayerIndex, new JavaArchivePackage(name, version,
            JavaNames.PurlFromManifest(manifest, name, version), manifest.Licenses(), file.Path, "manifest"))];
    }

    protected override IEnumerable<Package> FromFindings(CatalogContext context)
    {
        foreach (var finding in context.Findings)
        {
            if (finding.Value is not JavaArchiveFinding archive)
            {
                continue;
            }
            foreach (var problem in archive.Problems)
            {
                context.ReportProblem(finding.Path, problem, ProblemCodes.MalformedMetadata, finding.LayerIndex);
            }
            foreach (var package in archive.Packages)
            {
                yield return ToPackage(context, finding.Path, finding.LayerIndex, package);
            }
        }
    }

    private static Package ToPackage(CatalogContext context, string path, int layerIndex, JavaArchivePackage package)
    {
        var properties = new Dictionary<string, string> { ["java:metadataSource"] = package.Source };
        var nested = package.VirtualPath.IndexOf(':', StringComparison.Ordinal);
        if (nested >= 0)
        {
            properties["java:virtualPath"] = package.VirtualPath;
        }
        var result = new Package
        {
            Name = package.Name,
            Version = package.Version,
            Type = "maven",
            Purl = package.Purl,
            Location = context.Locate(path, layerIndex),
            Licenses = package.Licenses,
            Properties = properties,
        };
        // Nested jars share the outer archive's path: the id also names the entry, to keep ids apart.
        return nested >= 0 ? result with { Id = $"{package.Purl}|{path}|{package.VirtualPath[(nested + 1)..]}" } : result;
    }
}
