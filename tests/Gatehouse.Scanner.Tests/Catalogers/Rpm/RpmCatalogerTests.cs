using Gatehouse.Scanner.Catalogers.Rpm;
using Gatehouse.Scanner.Distro;
using Gatehouse.Scanner.Inventory;
using Gatehouse.Scanner.Tests.Layers;
using static Gatehouse.Scanner.Tests.Catalogers.Rpm.RpmDatabaseBuilder;

namespace Gatehouse.Scanner.Tests.Catalogers.Rpm;

public sealed class RpmCatalogerTests
{
    private const string SqlitePath = "var/lib/rpm/rpmdb.sqlite";
    private static readonly DistroInfo Rhel = new("rhel", "9.3", "Plow", null, ["fedora"], "etc/os-release");

    private static readonly RpmPackage OpensslLibs = new("openssl-libs", "3.0.7", "25.el9_3", "x86_64", Epoch: 1, License: "Apache-2.0",
        SourceRpm: "openssl-3.0.7-25.el9_3.src.rpm", Provides: ["libssl.so.3()(64bit)"], Requires: ["libc.so.6()(64bit)", "rpmlib(PayloadIsZstd)"],
        Files: ["/usr/lib64/libssl.so.3", "/usr/lib64/libcrypto.so.3", "/usr/share/licenses/openssl-libs/LICENSE.txt"]);

    private static readonly RpmPackage Glibc = new("glibc", "2.34", "83.el9_3.7", "x86_64", License: "LGPL-2.1-or-later",
        SourceRpm: "glibc-2.34-83.el9_3.7.src.rpm", Provides: ["libc.so.6()(64bit)"]);

    private static async Task<(IReadOnlyList<Package> Packages, List<InventoryProblem> Problems)> CatalogAsync(byte[] database, DistroInfo? distro = null)
    {
        var problems = new List<InventoryProblem>();
        var context = CatalogContext.ForFiles("rpm", [KeyValuePair.Create(SqlitePath, database)], distro, problems);
        return (await new RpmCataloger().CatalogAsync(context, CancellationToken.None), problems);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SqliteDatabaseReadInMemory(bool walMode)
    {
        var database = Sqlite([Header(OpensslLibs), Header(Glibc), Header(new RpmPackage("gpg-pubkey", "fd431d51", "4ae0493b", "(none)"))], walMode);

        var (packages, problems) = await CatalogAsync(database, Rhel);

        Assert.Empty(problems);
        Assert.Equal(["glibc", "openssl-libs"], packages.Select(p => p.Name).Order()); // gpg-pubkey is a key, not a package
        var openssl = packages.Single(p => p.Name == "openssl-libs");
        Assert.Equal("1:3.0.7-25.el9_3", openssl.Version);
        Assert.Equal("pkg:rpm/redhat/openssl-libs@3.0.7-25.el9_3?arch=x86_64&distro=rhel-9.3&epoch=1&upstream=openssl-3.0.7-25.el9_3.src.rpm", openssl.Purl);
        Assert.Equal(new SourcePackage("openssl", "3.0.7-25.el9_3"), openssl.Source);
        Assert.Equal(["Apache-2.0"], openssl.Licenses);
        Assert.Equal(["usr/lib64/libssl.so.3", "usr/lib64/libcrypto.so.3", "usr/share/licenses/openssl-libs/LICENSE.txt"], openssl.Files);
        var glibc = packages.Single(p => p.Name == "glibc");
        Assert.Equal([glibc.Id], openssl.DependsOn); // libc.so.6()(64bit) is provided by glibc; rpmlib() requirements are rpm's own
    }

    [Fact]
    public async Task MalformedHeaderIsReportedAndTheOthersAreListed()
    {
        var broken = Header(OpensslLibs);
        broken[5] = 0x7F; // data length far beyond the blob
        var database = Sqlite([broken, Header(Glibc)]);

        var (packages, problems) = await CatalogAsync(database);

        Assert.Equal(["glibc"], packages.Select(p => p.Name));
        var problem = Assert.Single(problems);
        Assert.Equal(ProblemCodes.MalformedMetadata, problem.Code);
        Assert.Contains("package header 1", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotASqliteFileIsReported()
    {
        var (packages, problems) = await CatalogAsync("garbage that is not sqlite at all, long enough to pass the size check....................................."u8.ToArray());

        Assert.Empty(packages);
        Assert.Contains("unreadable", Assert.Single(problems).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("var/lib/rpm/Packages", "Berkeley DB")]
    [InlineData("usr/lib/sysimage/rpm/Packages.db", "NDB")]
    public async Task OlderDatabasesAreReportedAsUnsupported(string path, string kind)
    {
        var result = await TestImage.ScanAsync([TestLayer.Gzip(new TarBuilder().File("etc/redhat-release", "CentOS Linux release 7.9.2009 (Core)\n").File(path, new byte[4096]))]);

        Assert.Empty(result.Packages);
        var problem = Assert.Single(result.Problems, p => p.Code == ProblemCodes.UnsupportedDatabase);
        Assert.Equal(path, problem.Path);
        Assert.Contains(kind, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImageWithRpmdbIsCataloguedWithTheDistroQualifier()
    {
        var database = Sqlite([Header(Glibc)]);
        var result = await TestImage.ScanAsync(
        [
            TestLayer.Gzip(new TarBuilder()
                .File("etc/os-release", "ID=\"rhel\"\nVERSION_ID=\"9.3\"\n")
                .File("usr/lib/sysimage/rpm/rpmdb.sqlite", database)),
        ]);

        var glibc = Assert.Single(result.Packages);
        Assert.Equal("pkg:rpm/redhat/glibc@2.34-83.el9_3.7?arch=x86_64&distro=rhel-9.3&upstream=glibc-2.34-83.el9_3.7.src.rpm", glibc.Purl);
        Assert.Equal("rpm", glibc.FoundBy);
        Assert.Equal("usr/lib/sysimage/rpm/rpmdb.sqlite", glibc.Location.Path);
    }
}
