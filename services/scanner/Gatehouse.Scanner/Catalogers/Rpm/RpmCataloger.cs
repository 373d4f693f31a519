using System.Globalization;
using Gatehouse.Scanner.Inventory;

namespace Gatehouse.Scanner.Catalogers.Rpm;

/// <summary>
/// RPM packages from <c>rpmdb.sqlite</c> (<c>var/lib/rpm/</c> and <c>usr/lib/sysimage/rpm/</c>, rpm ≥ 4.16): header
/// blobs parsed for name, epoch, version-release, arch, licence, source rpm, provides/requires and files.
/// Berkeley DB (<c>Packages</c>) and NDB (<c>Packages.db</c>) databases are reported as unsupported, not ignored.
/// </summary>
public sealed class RpmCataloger : ICataloger
{
    private static readonly string[] Directories = ["var/lib/rpm", "usr/lib/sysimage/rpm"];

    public string Name => "rpm";

    public string Version => "1.0.0";

    public FileInterest Select(FileCandidate file) =>
        file.FileName.SequenceEqual("rpmdb.sqlite")
        && (PathMatch.Is(file.Path, "var/lib/rpm/rpmdb.sqlite") || PathMatch.Is(file.Path, "usr/lib/sysimage/rpm/rpmdb.sqlite"))
            ? FileInterest.ContentWithHistory
            : FileInterest.None;

    public Task<IReadOnlyList<Package>> CatalogAsync(CatalogContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ReportUnsupportedDatabases(context);
        var nodes = new List<DependencyLinker.Node>();
        var seen = new HashSet<(string, int?, string, string?)>();
        foreach (var database in context.Files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var packages = Read(context, database, report: true);
            if (packages is null)
            {
                continue;
            }
            var introduced = HistoryAttribution.IntroducedLayers(context.History(database.Path), database,
                version => ReferenceEquals(version, database) ? packages.Select(p => p.Key) : (Read(context, version, report: false) ?? []).Select(p => p.Key));
            foreach (var info in packages.Where(p => seen.Add(p.Key)))
            {
                var location = context.Locate(database.Path, introduced.GetValueOrDefault(info.Key, database.LayerIndex));
                nodes.Add(new DependencyLinker.Node(ToPackage(context, info, location), info.Provides, info.Requires));
            }
        }
        return Task.FromResult(DependencyLinker.Link(nodes));
    }

    private static List<RpmPackageInfo>? Read(CatalogContext context, CapturedFile database, bool report)
    {
        List<byte[]> blobs;
        try
        {
            blobs = RpmSqliteDatabase.ReadHeaderBlobs(database.Content);
        }
        catch (FormatException e)
        {
            if (report)
            {
                context.ReportProblem(database.Path, $"rpm database is unreadable: {e.Message}", layerIndex: database.LayerIndex);
            }
            return null;
        }
        var packages = new List<RpmPackageInfo>(blobs.Count);
        for (var i = 0; i < blobs.Count; i++)
        {
            try
            {
                var info = RpmHeader.Parse(blobs[i]);
                // gpg-pubkey entries are imported signing keys, not software.
                if (info.Name != "gpg-pubkey")
                {
                    packages.Add(info);
                }
            }
            catch (FormatException e)
            {
                if (report)
                {
                    context.ReportProblem(database.Path, $"package header {i + 1}: {e.Message}", layerIndex: database.LayerIndex);
                }
            }
        }
        return packages;
    }

    private static void ReportUnsupportedDatabases(CatalogContext context)
    {
        foreach (var directory in Directories)
        {
            if (context.FileSystem.Get(directory + "/rpmdb.sqlite") is not null)
            {
                if (context.FileSystem.Get(directory + "/rpmdb.sqlite-wal") is { Size: > 0 } wal)
                {
                    context.ReportProblem(wal.Path, "the rpm database has an unapplied write-ahead log; packages in it are not listed",
                        ProblemCodes.UnsupportedDatabase, wal.LayerIndex);
                }
                continue;
            }
            foreach (var (file, kind) in (ReadOnlySpan<(string, string)>)[("Packages", "Berkeley DB"), ("Packages.db", "NDB")])
            {
                if (context.FileSystem.Get($"{directory}/{file}") is { Kind: FileKind.Regular } entry)
                {
                    context.ReportProblem(entry.Path, $"{kind} rpm databases are not supported (only rpmdb.sqlite, rpm ≥ 4.16); its packages are not listed",
                        ProblemCodes.UnsupportedDatabase, entry.LayerIndex);
                }
            }
        }
    }

    private static Package ToPackage(CatalogContext context, RpmPackageInfo info, PackageLocation location)
    {
        var distro = context.Distro;
        var epoch = info.Epoch?.ToString(CultureInfo.InvariantCulture);
        var purl = PackageUrl.Create("rpm", distro?.PurlNamespace ?? VendorNamespace(info.Vendor), info.Name, info.FullVersion,
        [
            new("arch", info.Architecture),
            new("distro", distro?.PurlQualifier),
            new("epoch", epoch),
            new("upstream", info.SourceRpm),
        ]);
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        if (info.Vendor is not null)
        {
            properties["rpm:vendor"] = info.Vendor;
        }
        if (epoch is not null)
        {
            properties["rpm:epoch"] = epoch;
        }
        return new Package
        {
            Name = info.Name,
            Version = epoch is null ? info.FullVersion : $"{epoch}:{info.FullVersion}",
            Type = "rpm",
            Purl = purl,
            Location = location,
            Architecture = info.Architecture,
            Source = SourceFromRpm(info),
            Licenses = info.License is null ? [] : [info.License],
            Files = info.Files,
            Properties = properties,
        };
    }

    /// <summary><c>openssl-3.0.7-25.el9_3.src.rpm</c> → (openssl, 3.0.7-25.el9_3).</summary>
    internal static SourcePackage? SourceFromRpm(RpmPackageInfo info)
    {
        var file = info.SourceRpm;
        if (string.IsNullOrEmpty(file))
        {
            return null;
        }
        var stem = file.EndsWith(".src.rpm", StringComparison.Ordinal) ? file[..^8]
            : file.EndsWith(".nosrc.rpm", StringComparison.Ordinal) ? file[..^10] : file;
        var release = stem.LastIndexOf('-');
        var version = release > 0 ? stem.LastIndexOf('-', release - 1) : -1;
        return version > 0 ? new SourcePackage(stem[..version], stem[(version + 1)..]) : new SourcePackage(stem, null);
    }

    private static string VendorNamespace(string? vendor) =>
        vendor switch
        {
            null => "rpm",
            _ when vendor.StartsWith("Red Hat", StringComparison.Ordinal) => "redhat",
            _ => vendor.Split(' ')[0].ToLowerInvariant(),
        };
}
