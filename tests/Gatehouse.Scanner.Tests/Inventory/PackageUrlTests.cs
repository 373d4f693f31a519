using Gatehouse.Scanner.Inventory;

namespace Gatehouse.Scanner.Tests.Inventory;

public sealed class PackageUrlTests
{
    [Theory]
    [InlineData("deb", "debian", "openssl", "3.0.15-1~deb12u1", "amd64", "debian-12", "pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64&distro=debian-12")]
    [InlineData("apk", "alpine", "musl", "1.2.4-r2", "x86_64", "alpine-3.19.1", "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.19.1")]
    [InlineData("deb", "debian", "libstdc++6", "12.2.0-14", "amd64", null, "pkg:deb/debian/libstdc%2B%2B6@12.2.0-14?arch=amd64")]
    [InlineData("deb", "debian", "zlib1g", "1:1.2.13.dfsg-1", null, "debian-12", "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?distro=debian-12")]
    public void OsPackages(string type, string ns, string name, string version, string? arch, string? distro, string expected) =>
        Assert.Equal(expected, PackageUrl.ForOsPackage(type, ns, name, version, arch, distro));

    [Fact]
    public void QualifiersAreSortedLowerCasedAndEmptyOnesDropped() =>
        Assert.Equal("pkg:rpm/redhat/bash@5.1?arch=x86_64&epoch=1&upstream=bash-5.1.src.rpm",
            PackageUrl.Create("RPM", "redhat", "bash", "5.1", [new("Upstream", "bash-5.1.src.rpm"), new("arch", "x86_64"), new("distro", ""), new("epoch", "1")]));

    [Fact]
    public void ReservedAndNonAsciiCharactersArePercentEncoded() =>
        Assert.Equal("pkg:npm/%40scope/n%C3%A4me@1.0.0%2Bbuild%20x?vcs_url=git%2Bhttps://host/a%3Fb%26c",
            PackageUrl.Create("npm", "@scope", "näme", "1.0.0+build x", [new("vcs_url", "git+https://host/a?b&c")]));
}
