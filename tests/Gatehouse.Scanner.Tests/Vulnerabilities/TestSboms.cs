using System.Text;
using Gatehouse.Scanner.CycloneDx;
using Gatehouse.Scanner.Inventory;
using Gatehouse.Scanner.Sbom;
using Gatehouse.ServiceDefaults.Store;

namespace Gatehouse.Scanner.Tests.Vulnerabilities;

/// <summary>Hand-made SBOMs shaped as the scanner writes them (purl qualifiers and gatehouse: properties).</summary>
internal static class TestSboms
{
    public const string Status = "var/lib/dpkg/status";

    public static BomComponent Deb(string name, string version, string source, string? sourceVersion = null, string? distro = "debian-12")
    {
        sourceVersion ??= version;
        var upstream = source == name ? null : sourceVersion == version ? source : $"{source}@{sourceVersion}";
        var purl = PackageUrl.Create("deb", "debian", name, version, [new("arch", "amd64"), new("distro", distro), new("upstream", upstream)]);
        return new BomComponent
        {
            BomRef = purl + "|" + Status,
            Name = name,
            Version = version,
            Purl = purl,
            Properties =
            [
                new(BomPropertyNames.Cataloger, "dpkg"),
                new(BomPropertyNames.LocationPath, Status),
                new(BomPropertyNames.SourceName, source),
                new(BomPropertyNames.SourceVersion, sourceVersion),
            ],
        };
    }

    public static BomComponent Npm(string name, string version, string path = "app/package-lock.json")
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        var purl = slash > 0 ? PackageUrl.Create("npm", name[..slash], name[(slash + 1)..], version) : PackageUrl.Create("npm", null, name, version);
        return new BomComponent
        {
            BomRef = purl + "|" + path,
            Name = name,
            Version = version,
            Purl = purl,
            Properties = [new(BomPropertyNames.Cataloger, "npm"), new(BomPropertyNames.LocationPath, path)],
        };
    }

    public static BomComponent Generic(string name, string version) =>
        new() { Name = name, Version = version, Purl = PackageUrl.Create("generic", null, name, version) };

    public static Bom Bom(string digest, params BomComponent[] components) => new()
    {
        SerialNumber = "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
        Metadata = new BomMetadata
        {
            Timestamp = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero),
            Component = new BomComponent { Type = BomComponentType.Container, Name = "registry.test/app", Version = digest },
        },
        Components =
        [
            new BomComponent { Type = BomComponentType.OperatingSystem, Name = "debian", Version = "12" },
            .. components,
        ],
    };

    /// <summary>Stores and indexes the SBOM as the SBOM consumer does; returns the announcement for it.</summary>
    public static async Task<Contracts.Messages.SbomGenerated> IndexAsync(IKeyValueStore store, string digest, Bom bom, string registry = "registry.test", string repository = "app")
    {
        var bytes = CycloneDxWriter.Serialize(bom);
        var sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        var record = new SbomRecord(digest, registry, repository, $"{registry}/{repository}@sha256:{new string('5', 64)}", sha256,
            bom.Components?.Count ?? 0, "test@1", [], new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero));
        await new SbomIndex(store).IndexAsync(record, bom, bytes);
        return new Contracts.Messages.SbomGenerated(registry, repository, digest, record.SbomRef, sha256, record.ComponentCount, "test@1", record.GeneratedAt);
    }

    public static string Digest(char c) => "sha256:" + new string(c, 64);

    public static string Text(Bom bom) => Encoding.UTF8.GetString(CycloneDxWriter.Serialize(bom));
}
