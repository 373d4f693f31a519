using System.Text;
using Gatehouse.Scanner.Catalogers.Apk;
using Gatehouse.Scanner.Distro;
using Gatehouse.Scanner.Inventory;
using Gatehouse.Testing;

namespace Gatehouse.Scanner.Tests.Catalogers.Apk;

public sealed class ApkCatalogerTests
{
    private static readonly DistroInfo Alpine = new("alpine", "3.19.1", null, null, [], "etc/os-release");

    private static async Task<(IReadOnlyList<Package> Packages, List<InventoryProblem> Problems)> CatalogAsync(string text, DistroInfo? distro = null)
    {
        var problems = new List<InventoryProblem>();
        var context = CatalogContext.ForFiles("apk", [KeyValuePair.Create(ApkCataloger.DatabasePath, Encoding.UTF8.GetBytes(text))], distro, problems);
        return (await new ApkCataloger().CatalogAsync(context, CancellationToken.None), problems);
    }

    [Fact]
    public async Task OriginLicenceFilesAndPurl()
    {
        var fixture = await File.ReadAllTextAsync(RepoPaths.TestData("inventory", "apk", "multiple-2", "lib", "apk", "db", "installed"));

        var (packages, problems) = await CatalogAsync(fixture, Alpine);

        Assert.Empty(problems);
        var libssl = packages.Single(p => p.Name == "libssl1.1");
        Assert.Equal("1.1.1q-r0", libssl.Version);
        Assert.Equal(new SourcePackage("openssl", "1.1.1q-r0"), libssl.Source);
        Assert.Equal("pkg:apk/alpine/libssl1.1@1.1.1q-r0?arch=x86_64&distro=alpine-3.19.1&upstream=openssl", libssl.Purl);
        Assert.Equal(["OpenSSL"], libssl.Licenses);
        Assert.Contains("lib/libssl.so.1.1", libssl.Files);
        var musl = packages.Single(p => p.Name == "musl");
        Assert.Equal("pkg:apk/alpine/musl@1.2.3-r0?arch=x86_64&distro=alpine-3.19.1", musl.Purl);
    }

    [Fact]
    public async Task DependsResolveThroughProvides()
    {
        const string db = """
            P:musl
            V:1.2.4-r2
            A:x86_64
            p:so:libc.musl-x86_64.so.1=1

            P:zlib
            V:1.3-r0
            A:x86_64
            D:so:libc.musl-x86_64.so.1 !zlib-dev missing-package
            p:so:libz.so.1=1.3

            P:curl
            V:8.5.0-r0
            A:x86_64
            D:zlib>=1.2 so:libz.so.1 musl
            """;

        var (packages, _) = await CatalogAsync(db, Alpine);

        var ids = packages.ToDictionary(p => p.Name, p => p.Id);
        Assert.Equal([ids["musl"]], packages.Single(p => p.Name == "zlib").DependsOn);
        Assert.Equal(new[] { ids["musl"], ids["zlib"] }.Order(StringComparer.Ordinal), packages.Single(p => p.Name == "curl").DependsOn);
        Assert.Empty(packages.Single(p => p.Name == "musl").DependsOn);
    }

    [Fact]
    public async Task MalformedLinesAndNamelessRecordsAreReportedAndTheRestIsCatalogued()
    {
        const string db = "P:good\nV:1\n\nthis is not a field\nV:2\n\nP:also-good\nV:3\n";

        var (packages, problems) = await CatalogAsync(db);

        Assert.Equal(["also-good", "good"], packages.Select(p => p.Name).Order());
        Assert.Equal(2, problems.Count);
        Assert.All(problems, p => Assert.Equal(ApkCataloger.DatabasePath, p.Path));
        Assert.Contains(problems, p => p.Message.Contains("line 4", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithoutADistroTheNamespaceIsAlpineAndNoDistroQualifier()
    {
        var (packages, _) = await CatalogAsync("P:busybox\nV:1.36.1-r15\nA:aarch64\n");

        Assert.Equal("pkg:apk/alpine/busybox@1.36.1-r15?arch=aarch64", Assert.Single(packages).Purl);
    }
}
