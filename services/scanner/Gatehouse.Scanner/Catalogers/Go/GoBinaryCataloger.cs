using Gatehouse.Scanner.CycloneDx;
using Gatehouse.Scanner.Inventory;

namespace Gatehouse.Scanner.Catalogers.Go;

/// <summary>
/// Go binaries: any executable is streamed through <see cref="GoBuildInfoScanner"/>; one with build
/// info yields its main module (the application), every linked module (edges from main), and the
/// standard library as <c>stdlib</c> at the toolchain version, which Go vulnerability data uses.
/// </summary>
public sealed class GoBinaryCataloger : MetadataFileCataloger, IStreamingCataloger
{
    private static readonly string[] KeptSettings = ["GOOS", "GOARCH", "CGO_ENABLED", "vcs.revision", "vcs.time"];

    public override string Name => "go-binary";

    public override string Version => "1.0.0";

    public override FileInterest Select(FileCandidate file) => FileInterest.None;

    public bool SelectForStreaming(FileCandidate file) => file.IsExecutable && file.Size >= 1024;

    public async ValueTask<object?> AnalyzeAsync(StreamedFile file, Stream content, CancellationToken cancellationToken) =>
        await new GoBuildInfoScanner().ScanAsync(content, cancellationToken);

    protected override IEnumerable<Package> Parse(CatalogContext context, CapturedFile file) => [];

    protected override IEnumerable<Package> FromFindings(CatalogContext context) =>
        context.Findings
            .Where(f => f.Value is GoBuildInfo)
            .SelectMany(f => Packages(context.Locate(f.Path, f.LayerIndex), (GoBuildInfo)f.Value));

    public static IReadOnlyList<Package> Packages(PackageLocation location, GoBuildInfo info)
    {
        var common = new Dictionary<string, string>();
        if (info.GoVersion.Length > 0)
        {
            common["golang:goVersion"] = info.GoVersion;
        }
        var libraries = info.Dependencies.Select(d => Module(location, d, common)).ToList();
        if (info.GoVersion.StartsWith("go", StringComparison.Ordinal))
        {
            libraries.Add(new Package
            {
                Name = "stdlib",
                Version = info.GoVersion,
                Type = "golang",
                Purl = PackageUrl.Create("golang", null, "stdlib", info.GoVersion[2..]),
                Location = location,
                Properties = common,
            });
        }
        if (info.Main is null)
        {
            return libraries;
        }
        var properties = new Dictionary<string, string>(common) { [BomPropertyNames.Role] = BomPropertyNames.ApplicationRole };
        if (info.MainPath is not null)
        {
            properties["golang:mainPath"] = info.MainPath;
        }
        foreach (var key in KeptSettings)
        {
            if (info.Settings.TryGetValue(key, out var value))
            {
                properties[$"golang:build:{key}"] = value;
            }
        }
        var main = Module(location, info.Main, properties) with
        {
            DependsOn = [.. libraries.Select(l => l.Id).Order(StringComparer.Ordinal)],
        };
        return [main, .. libraries];
    }

    private static Package Module(PackageLocation location, GoModule module, Dictionary<string, string> common)
    {
        var properties = new Dictionary<string, string>(common);
        if (module.Sum is not null)
        {
            properties["golang:h1Digest"] = module.Sum;
        }
        var slash = module.Path.LastIndexOf('/');
        return new Package
        {
            Name = module.Path,
            Version = module.Version,
            Type = "golang",
            Purl = PackageUrl.Create("golang", slash > 0 ? module.Path[..slash] : null, module.Path[(slash + 1)..], module.Version),
            Location = location,
            Properties = properties,
        };
    }
}
