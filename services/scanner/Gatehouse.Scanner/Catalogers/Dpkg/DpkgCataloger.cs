using Gatehouse.Scanner.Inventory;

namespace Gatehouse.Scanner.Catalogers.Dpkg;

/// <summary>
/// Debian packages from <c>var/lib/dpkg/status</c> and distroless <c>var/lib/dpkg/status.d/*</c>. Each package
/// carries its source package (<c>Source:</c>, with its own version when given), installed files from
/// <c>var/lib/dpkg/info/&lt;pkg&gt;[:arch].list</c>, licences from <c>usr/share/doc/&lt;pkg&gt;/copyright</c>,
/// Depends/Pre-Depends edges, and the layer that introduced it (from the status file's layer history).
/// </summary>
public sealed class DpkgCataloger : ICataloger
{
    public const string StatusPath = "var/lib/dpkg/status";
    public const string StatusDirectory = "var/lib/dpkg/status.d";
    public const string InfoDirectory = "var/lib/dpkg/info";
    private const string DocDirectory = "usr/share/doc";

    public string Name => "dpkg";

    public string Version => "1.0.0";

    public FileInterest Select(FileCandidate file)
    {
        var path = file.Path;
        if (path.Length < 13 || (path[0] != 'v' && path[0] != 'u'))
        {
            return FileInterest.None;
        }
        if (PathMatch.Is(path, StatusPath))
        {
            return FileInterest.ContentWithHistory;
        }
        if (PathMatch.IsDirectChildOf(path, StatusDirectory))
        {
            return path.EndsWith(".md5sums", StringComparison.Ordinal) ? FileInterest.None : FileInterest.Content;
        }
        if (PathMatch.IsDirectChildOf(path, InfoDirectory))
        {
            return path.EndsWith(".list", StringComparison.Ordinal) ? FileInterest.Content : FileInterest.None;
        }
        // usr/share/doc/<package>/copyright
        return PathMatch.IsUnder(path, DocDirectory) && file.FileName.SequenceEqual("copyright")
            && PathMatch.Directory(path).LastIndexOf('/') == DocDirectory.Length
            ? FileInterest.Content
            : FileInterest.None;
    }

    public Task<IReadOnlyList<Package>> CatalogAsync(CatalogContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var found = new List<(DpkgEntry Entry, PackageLocation Location)>();
        foreach (var file in context.Files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (file.Path == StatusPath)
            {
                found.AddRange(FromStatusFile(context, file));
            }
            else if (file.Path.StartsWith(StatusDirectory + "/", StringComparison.Ordinal))
            {
                // Distroless: one file per package, written by the layer that installed it.
                found.AddRange(Parse(context, file).Select(e => (e, context.Locate(file))));
            }
        }
        var nodes = new List<DependencyLinker.Node>();
        var seen = new HashSet<(string, string, string?)>();
        foreach (var (entry, location) in found)
        {
            if (seen.Add(entry.Key))
            {
                nodes.Add(new DependencyLinker.Node(ToPackage(context, entry, location), entry.Provides, entry.Depends));
            }
        }
        return Task.FromResult(DependencyLinker.Link(nodes));
    }

    private static IEnumerable<(DpkgEntry, PackageLocation)> FromStatusFile(CatalogContext context, CapturedFile status)
    {
        var entries = Parse(context, status);
        // Older versions are parsed only to attribute layers; their problems were (or will be) someone else's.
        var introduced = HistoryAttribution.IntroducedLayers(context.History(status.Path), status,
            version => ReferenceEquals(version, status) ? entries.Select(e => e.Key) : DpkgStatusParser.Parse(version.ReadText(), null).Select(e => e.Key));
        return entries.Select(e => (e, context.Locate(status.Path, introduced.GetValueOrDefault(e.Key, status.LayerIndex))));
    }

    private static List<DpkgEntry> Parse(CatalogContext context, CapturedFile file) =>
        DpkgStatusParser.Parse(file.ReadText(), problem => context.ReportProblem(file.Path, problem, layerIndex: file.LayerIndex));

    private static Package ToPackage(CatalogContext context, DpkgEntry entry, PackageLocation location)
    {
        var distro = context.Distro;
        var upstream = entry.SourceName == entry.Name ? null
            : entry.SourceVersion == entry.Version ? entry.SourceName : $"{entry.SourceName}@{entry.SourceVersion}";
        var purl = PackageUrl.Create("deb", distro?.PurlNamespace ?? "debian", entry.Name, entry.Version,
        [
            new("arch", entry.Architecture),
            new("distro", distro?.PurlQualifier),
            new("upstream", upstream),
        ]);
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        if (entry.Maintainer is not null)
        {
            properties["dpkg:maintainer"] = entry.Maintainer;
        }
        return new Package
        {
            Name = entry.Name,
            Version = entry.Version,
            Type = "deb",
            Purl = purl,
            Location = location,
            Architecture = entry.Architecture,
            Source = new SourcePackage(entry.SourceName, entry.SourceVersion),
            Licenses = Licenses(context, entry.Name),
            Files = InstalledFiles(context, entry),
            Properties = properties,
        };
    }

    private static List<string> InstalledFiles(CatalogContext context, DpkgEntry entry)
    {
        var list = (entry.Architecture is { } arch ? context.TryGetFile($"{InfoDirectory}/{entry.Name}:{arch}.list") : null)
            ?? context.TryGetFile($"{InfoDirectory}/{entry.Name}.list");
        if (list is null)
        {
            return [];
        }
        return list.ReadText()
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.TrimStart('/'))
            .Where(path => path.Length > 0 && path != ".")
            .ToList();
    }

    private static IReadOnlyList<string> Licenses(CatalogContext context, string package) =>
        context.TryGetFile($"{DocDirectory}/{package}/copyright") is { } copyright ? DebianCopyright.Licenses(copyright.ReadText()) : [];
}
