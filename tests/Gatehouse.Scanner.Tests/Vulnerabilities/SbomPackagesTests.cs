using Gatehouse.Scanner.CycloneDx;
using Gatehouse.Scanner.Vulnerabilities;

namespace Gatehouse.Scanner.Tests.Vulnerabilities;

public sealed class SbomPackagesTests
{
    [Fact]
    public void A_debian_package_is_queried_by_source_package_and_source_version_in_its_release()
    {
        // dpkg-query shows bsdutils 1:2.38.1-5+deb12u3 built from util-linux 2.38.1-5+deb12u3 (the epoch is the binary's).
        var bom = TestSboms.Bom(TestSboms.Digest('a'), TestSboms.Deb("bsdutils", "1:2.38.1-5+deb12u3", "util-linux", "2.38.1-5+deb12u3", "debian-12.5"));

        var (packages, unevaluated) = SbomPackages.Read(bom);

        var query = Assert.Single(packages).Query;
        Assert.Empty(unevaluated);
        Assert.Equal(("Debian:12", "bsdutils", "1:2.38.1-5+deb12u3", "util-linux", "2.38.1-5+deb12u3"),
            (query.Ecosystem, query.Name, query.Version, query.SourceName, query.SourceVersion));
        Assert.Equal("pkg:deb/debian/util-linux", query.Identity());
    }

    [Fact]
    public void The_same_purl_found_twice_is_matched_once_with_both_locations()
    {
        var bom = TestSboms.Bom(TestSboms.Digest('a'), TestSboms.Npm("lodash", "4.17.20", "a/package-lock.json"), TestSboms.Npm("lodash", "4.17.20", "b/package-lock.json"));

        var package = Assert.Single(SbomPackages.Read(bom).Packages);

        Assert.Equal(["a/package-lock.json", "b/package-lock.json"], package.Locations);
    }

    [Fact]
    public void The_syft_upstream_qualifier_stands_in_for_missing_source_properties()
    {
        var foreign = new BomComponent { Name = "libssl3", Version = "3.0.11-1", Purl = "pkg:deb/debian/libssl3@3.0.11-1?distro=debian-12&upstream=openssl" };
        var bom = TestSboms.Bom(TestSboms.Digest('a'), foreign);

        var query = Assert.Single(SbomPackages.Read(bom).Packages).Query;

        Assert.Equal("openssl", query.SourceName);
    }
}
