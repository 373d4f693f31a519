using Gatehouse.Scanner.CycloneDx;
using Gatehouse.Scanner.Distro;
using Gatehouse.Scanner.Inventory;

namespace Gatehouse.Scanner.Tests.CycloneDx;

/// <summary>A fixed, hand-written inventory covering every SBOM feature: OS and language packages,
/// licences of all three shapes, a source package, edges, a repeated purl, layers and problems.</summary>
internal static class SampleInventory
{
    public const string BaseDigest = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    public const string AppDigest = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
    public const string ImageDigest = "sha256:9999999999999999999999999999999999999999999999999999999999999999";

    public static readonly IReadOnlyList<LayerInfo> Layers =
    [
        new(0, BaseDigest, "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "application/vnd.oci.image.layer.v1.tar+gzip", 100, 300, 10),
        new(1, AppDigest, "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "application/vnd.oci.image.layer.v1.tar+gzip", 50, 120, 4),
    ];

    public static SbomImage Image { get; } = new("127.0.0.1:5000/demo/App", "127.0.0.1:5000/demo/App", ImageDigest, "127.0.0.1:5000/demo/App:1.0", Layers);

    public static DistroInfo Distro { get; } = new("debian", "12", "bookworm", "Debian GNU/Linux 12 (bookworm)", [], "etc/os-release");

    public static SbomStamp Stamp { get; } = new(Guid.Parse("3e671687-395b-41f5-a30f-a58921a69b79"), new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero));

    public static SbomTool Tool { get; } = new("1.2.3", [new FakeCataloger("npm", "1"), new FakeCataloger("dpkg", "2")]);

    public static IReadOnlyList<Package> Packages()
    {
        const string Lock = "app/package-lock.json";
        var app = Npm("app", "1.0.0", Lock, 1) with { Properties = new Dictionary<string, string> { [BomPropertyNames.Role] = BomPropertyNames.ApplicationRole } };
        var scoped = Npm("@types/react", "18.0.17", Lock, 1) with { Licenses = ["MIT"] };
        var dual = Npm("through", "2.3.8", Lock, 1) with { Licenses = ["(MIT OR Apache-2.0)"] };
        var twoFiles = Npm("through", "2.3.8", "app/node_modules/through/package.json", 1) with { Licenses = ["MIT", "Custom licence"] };
        app = app with { DependsOn = [scoped.Id, dual.Id, "pkg:npm/missing@1|elsewhere"] };
        var openssl = new Package
        {
            Name = "libssl3",
            Version = "3.0.15-1~deb12u1",
            Type = "deb",
            Purl = PackageUrl.ForOsPackage("deb", "debian", "libssl3", "3.0.15-1~deb12u1", "amd64", "debian-12"),
            Location = Locate("var/lib/dpkg/status", 0),
            FoundBy = "dpkg",
            Architecture = "amd64",
            Source = new SourcePackage("openssl", null),
            Licenses = ["GPL-2.0+ and BSD-like"],
            Properties = new Dictionary<string, string> { ["dpkg:maintainer"] = "Debian OpenSSL Team" },
        };
        var maven = new Package
        {
            Name = "org.apache.commons:commons-lang3",
            Version = "3.12.0",
            Type = "maven",
            Purl = PackageUrl.Create("maven", "org.apache.commons", "commons-lang3", "3.12.0"),
            Location = Locate("app/lib/commons-lang3-3.12.0.jar", 1),
            FoundBy = "java-archive",
            Licenses = ["Apache-2.0"],
        };
        return [twoFiles, openssl, app, maven, dual, scoped];
    }

    public static IReadOnlyList<InventoryProblem> Problems { get; } =
    [
        new(ProblemCodes.MalformedMetadata, "invalid JSON at line 3", "app/broken/package.json", 1, "npm"),
        new(ProblemCodes.UnsupportedDatabase, "Berkeley DB rpm database", "var/lib/rpm/Packages", null, "rpm"),
    ];

    public static Bom Build(IReadOnlyList<Package>? packages = null) =>
        CycloneDxSbomBuilder.Build(Image, Distro, packages ?? Packages(), Problems, Tool, Stamp);

    private static Package Npm(string name, string version, string path, int layer)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        return new Package
        {
            Name = name,
            Version = version,
            Type = "npm",
            Purl = slash > 0 ? PackageUrl.Create("npm", name[..slash], name[(slash + 1)..], version) : PackageUrl.Create("npm", null, name, version),
            Location = Locate(path, layer),
            FoundBy = "npm",
        };
    }

    private static PackageLocation Locate(string path, int layer) =>
        new(path, layer, Layers[layer].Digest, Layers[layer].DiffId);

    private sealed class FakeCataloger(string name, string version) : ICataloger
    {
        public string Name => name;

        public string Version => version;

        public FileInterest Select(FileCandidate file) => FileInterest.None;

        public Task<IReadOnlyList<Package>> CatalogAsync(CatalogContext context, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<Package>>([]);
    }
}
