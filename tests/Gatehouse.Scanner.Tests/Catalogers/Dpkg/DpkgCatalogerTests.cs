using System.Text;
using Gatehouse.Scanner.Catalogers.Dpkg;
using Gatehouse.Scanner.Distro;
using Gatehouse.Scanner.Inventory;
using Gatehouse.Testing;

namespace Gatehouse.Scanner.Tests.Catalogers.Dpkg;

public sealed class DpkgCatalogerTests
{
    private static readonly DistroInfo Debian12 = new("debian", "12", "bookworm", null, [], "etc/os-release");

    private static async Task<(IReadOnlyList<Package> Packages, List<InventoryProblem> Problems)> CatalogAsync(
        DistroInfo? distro, params (string Path, string Text)[] files)
    {
        var problems = new List<InventoryProblem>();
        var context = CatalogContext.ForFiles("dpkg", files.Select(f => KeyValuePair.Create(f.Path, Encoding.UTF8.GetBytes(f.Text))), distro, problems);
        return (await new DpkgCataloger().CatalogAsync(context, CancellationToken.None), problems);
    }

    [Fact]
    public async Task SourceWithItsOwnVersionAndPurlWithDistroAndUpstream()
    {
        const string status = """
            Package: libc6
            Status: install ok installed
            Architecture: amd64
            Source: glibc (2.36-9+deb12u4)
            Version: 2.36-9+deb12u7
            Depends: libgcc-s1

            Package: libgcc-s1
            Status: install ok installed
            Architecture: amd64
            Source: gcc-12
            Version: 12.2.0-14

            Package: openssl
            Status: install ok installed
            Architecture: amd64
            Version: 3.0.15-1~deb12u1
            Depends: libc6 (>= 2.34), libssl3 (>= 3.0.9) | libssl-alt
            """;

        var (packages, problems) = await CatalogAsync(Debian12, (DpkgCataloger.StatusPath, status));

        Assert.Empty(problems);
        var libc = packages.Single(p => p.Name == "libc6");
        Assert.Equal(new SourcePackage("glibc", "2.36-9+deb12u4"), libc.Source);
        Assert.Equal("pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&distro=debian-12&upstream=glibc%402.36-9%2Bdeb12u4", libc.Purl);
        var gcc = packages.Single(p => p.Name == "libgcc-s1");
        Assert.Equal(new SourcePackage("gcc-12", "12.2.0-14"), gcc.Source);
        var openssl = packages.Single(p => p.Name == "openssl");
        Assert.Equal("pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64&distro=debian-12", openssl.Purl);
        Assert.Equal(new SourcePackage("openssl", "3.0.15-1~deb12u1"), openssl.Source);
        // Depends edges to packages of the same database; absent alternatives are dropped.
        Assert.Equal([libc.Id], openssl.DependsOn);
        Assert.Equal([gcc.Id], libc.DependsOn);
        Assert.All(packages, p => Assert.Equal(DpkgCataloger.StatusPath, p.Location.Path));
    }

    [Fact]
    public async Task RemovedAndNamelessStanzasAreSkipped()
    {
        var fixture = await File.ReadAllTextAsync(RepoPaths.TestData("inventory", "dpkg", "status.d", "deinstall"));

        var (packages, _) = await CatalogAsync(Debian12, (DpkgCataloger.StatusPath, fixture + "\nPackage:\nVersion: 1\n\nPackage: purged\nStatus: purge ok not-installed\n"));

        Assert.Equal(["linux-image-6.14.0-1012-aws"], packages.Select(p => p.Name));
    }

    [Fact]
    public async Task MalformedLinesAreReportedAndTheRestIsCatalogued()
    {
        const string status = "Package: good\nVersion: 1\n\nthis line is garbage\nPackage: also-good\nVersion: 2\n";

        var (packages, problems) = await CatalogAsync(null, (DpkgCataloger.StatusPath, status));

        Assert.Equal(["also-good", "good"], packages.Select(p => p.Name).Order());
        var problem = Assert.Single(problems);
        Assert.Equal(ProblemCodes.MalformedMetadata, problem.Code);
        Assert.Equal(DpkgCataloger.StatusPath, problem.Path);
        Assert.Contains("line 4", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstalledFilesAndLicencesAreAttached()
    {
        var (packages, _) = await CatalogAsync(Debian12,
            ("var/lib/dpkg/status.d/zlib1g", "Package: zlib1g\nVersion: 1:1.2.13\nArchitecture: amd64\n"),
            ("var/lib/dpkg/info/zlib1g:amd64.list", "/.\n/usr\n/usr/lib/x86_64-linux-gnu/libz.so.1\n"),
            ("usr/share/doc/zlib1g/copyright", "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: Zlib\n\nFiles: debian/*\nLicense: GPL-2+\n On Debian systems see /usr/share/common-licenses/GPL-2.\n"));

        var zlib = Assert.Single(packages);
        Assert.Equal("var/lib/dpkg/status.d/zlib1g", zlib.Location.Path);
        Assert.Equal(["usr", "usr/lib/x86_64-linux-gnu/libz.so.1"], zlib.Files);
        Assert.Equal(["GPL-2", "GPL-2+", "Zlib"], zlib.Licenses);
        // The epoch stays in the version, ':' unencoded.
        Assert.Equal("pkg:deb/debian/zlib1g@1:1.2.13?arch=amd64&distro=debian-12", zlib.Purl);
    }

    [Theory]
    [InlineData("var/lib/dpkg/status", FileInterest.ContentWithHistory)]
    [InlineData("var/lib/dpkg/status.d/libc6", FileInterest.Content)]
    [InlineData("var/lib/dpkg/status.d/libc6.md5sums", FileInterest.None)]
    [InlineData("var/lib/dpkg/info/bash.list", FileInterest.Content)]
    [InlineData("var/lib/dpkg/info/bash.md5sums", FileInterest.None)]
    [InlineData("usr/share/doc/bash/copyright", FileInterest.Content)]
    [InlineData("usr/share/doc/bash/examples/copyright", FileInterest.None)]
    [InlineData("var/lib/dpkg/status-old", FileInterest.None)]
    [InlineData("opt/var/lib/dpkg/status", FileInterest.None)]
    public void Selection(string path, FileInterest expected) =>
        Assert.Equal(expected, new DpkgCataloger().Select(new FileCandidate(path, 10, UnixFileMode.UserRead, 0)));
}
