using Gatehouse.Scanner.Advisories.Matching;
using Gatehouse.Scanner.Sbom;
using Gatehouse.Scanner.Vulnerabilities;

namespace Gatehouse.Scanner.Tests.Vulnerabilities;

/// <summary>The SBOM index and AdvisoriesUpdated must name packages alike, or re-evaluation misses images.</summary>
public sealed class PackageIdentityTests
{
    [Theory]
    [InlineData("pkg:npm/%40Babel/Core@7.0.0", "pkg:npm/%40babel/core")]
    [InlineData("pkg:pypi/Zope.Interface@5.0", "pkg:pypi/zope-interface")]
    [InlineData("pkg:nuget/Newtonsoft.Json@13.0.1", "pkg:nuget/newtonsoft.json")]
    [InlineData("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", "pkg:maven/org.apache.logging.log4j/log4j-core")]
    [InlineData("pkg:golang/github.com/foo/bar@v1.2.3", "pkg:golang/github.com/foo/bar")]
    [InlineData("pkg:deb/debian/libc6@2.36-9?arch=amd64&distro=debian-12&upstream=glibc", "pkg:deb/debian/libc6")]
    [InlineData("pkg:generic/Thing@1?x=y", "pkg:generic/Thing")]
    public void A_language_package_is_indexed_under_the_identity_advisories_announce(string purl, string expected)
    {
        Assert.Equal(expected, PackageIdentity.Of(purl).WithoutVersion);
    }

    [Fact]
    public void The_versioned_identity_keeps_the_version_as_written_and_drops_qualifiers()
    {
        var (without, with) = PackageIdentity.Of("pkg:deb/debian/bsdutils@1:2.38.1-5%2Bdeb12u3?arch=amd64&distro=debian-12");
        Assert.Equal(("pkg:deb/debian/bsdutils", "pkg:deb/debian/bsdutils@1:2.38.1-5%2Bdeb12u3"), (without, with));
    }

    [Theory]
    [InlineData("pkg:npm/%40types/react@18.0.17")]
    [InlineData("pkg:pypi/Django@4.2")]
    [InlineData("pkg:nuget/Serilog@3.1.1")]
    [InlineData("pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.15.0")]
    [InlineData("pkg:golang/golang.org/x/net@v0.17.0")]
    [InlineData("pkg:gem/rails@7.0.0")]
    [InlineData("pkg:cargo/Serde@1.0.0")]
    public void The_query_identity_of_a_language_package_is_its_index_identity(string purl)
    {
        Assert.True(PackageQuery.TryFromPurl(purl, out var query, out var error), error);
        Assert.Equal(query.Identity(), PackageIdentity.Of(purl).WithoutVersion);
    }

    [Fact]
    public void Os_packages_are_also_indexed_under_their_source_package()
    {
        var bom = SampleImage.Bom(TestSboms.Digest('a'));
        var (packages, _) = SbomPackages.Read(bom);

        var missing = AdvisoryIdentityIndex.MissingIdentities(packages);

        // libssl3 and libc6 (and zlib1g) live under their source; openssl is its own source; npm packages match already.
        Assert.Equal(["pkg:deb/debian/glibc", "pkg:deb/debian/openssl", "pkg:deb/debian/zlib"], missing);
    }
}
