using Gatehouse.Scanner.Inventory;

namespace Gatehouse.Scanner.Catalogers.Apk;

/// <summary>
/// Alpine (and Wolfi, Chainguard...) packages from <c>lib/apk/db/installed</c>: origin as the source package,
/// the declared licence, installed files, depends/provides edges, and the layer that introduced each package.
/// </summary>
public sealed class ApkCataloger : ICataloger
{
    public const string DatabasePath = "lib/apk/db/installed";

    public string Name => "apk";

    public string Version => "1.0.0";

    public FileInterest Select(FileCandidate file) =>
        PathMatch.Is(file.Path, DatabasePath) ? FileInterest.ContentWithHistory : FileInterest.None;

    public Task<IReadOnlyList<Package>> CatalogAsync(CatalogContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var nodes = new List<DependencyLinker.Node>();
        foreach (var database in context.Files)
        {
            var entries = ApkDatabaseParser.Parse(database.ReadText(),
                problem => context.ReportProblem(database.Path, problem, layerIndex: database.LayerIndex));
            var introduced = HistoryAttribution.IntroducedLayers(context.History(database.Path), database,
                version => ReferenceEquals(version, database) ? entries.Select(e => e.Key) : ApkDatabaseParser.Parse(version.ReadText(), null).Select(e => e.Key));
            var seen = new HashSet<(string, string, string?)>();
            foreach (var entry in entries.Where(e => seen.Add(e.Key)))
            {
                var location = context.Locate(database.Path, introduced.GetValueOrDefault(entry.Key, database.LayerIndex));
                nodes.Add(new DependencyLinker.Node(ToPackage(context, entry, location), entry.Provides, entry.Depends));
            }
        }
        return Task.FromResult(DependencyLinker.Link(nodes));
    }

    private static Package ToPackage(CatalogContext context, ApkEntry entry, PackageLocation location)
    {
        var distro = context.Distro;
        var purl = PackageUrl.Create("apk", distro?.PurlNamespace ?? "alpine", entry.Name, entry.Version,
        [
            new("arch", entry.Architecture),
            new("distro", distro?.PurlQualifier),
            new("upstream", entry.Origin is { } origin && origin != entry.Name ? origin : null),
        ]);
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        if (entry.Maintainer is not null)
        {
            properties["apk:maintainer"] = entry.Maintainer;
        }
        if (entry.Url is not null)
        {
            properties["apk:url"] = entry.Url;
        }
        return new Package
        {
            Name = entry.Name,
            Version = entry.Version,
            Type = "apk",
            Purl = purl,
            Location = location,
            Architecture = entry.Architecture,
            // apk's origin is the aport the package was built from; it carries the same version.
            Source = new SourcePackage(entry.Origin ?? entry.Name, entry.Version),
            Licenses = entry.License is null ? [] : [entry.License],
            Files = entry.Files,
            Properties = properties,
        };
    }
}
