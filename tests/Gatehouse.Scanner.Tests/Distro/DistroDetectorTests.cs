using Gatehouse.Scanner.Distro;

namespace Gatehouse.Scanner.Tests.Distro;

public sealed class DistroDetectorTests
{
    private const string DebianOsRelease = """
        PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
        NAME="Debian GNU/Linux"
        VERSION_ID="12"
        VERSION="12 (bookworm)"
        VERSION_CODENAME=bookworm
        ID=debian
        """;

    private static DistroInfo? Detect(params (string Path, string Text)[] files) =>
        DistroDetector.Detect(path => files.FirstOrDefault(f => f.Path == path).Text);

    [Fact]
    public void DebianOsRelease_GivesIdVersionCodenameAndPrettyName()
    {
        var distro = Detect(("usr/lib/os-release", DebianOsRelease));

        Assert.NotNull(distro);
        Assert.Equal("debian", distro.Id);
        Assert.Equal("12", distro.VersionId);
        Assert.Equal("bookworm", distro.Codename);
        Assert.Equal("Debian GNU/Linux 12 (bookworm)", distro.PrettyName);
        Assert.Equal("debian-12", distro.PurlQualifier);
        Assert.Equal("usr/lib/os-release", distro.SourcePath);
    }

    [Fact]
    public void EtcOsReleaseWinsOverUsrLib()
    {
        var distro = Detect(("etc/os-release", "ID=alpine\nVERSION_ID=3.19.1\n"), ("usr/lib/os-release", DebianOsRelease));

        Assert.Equal("alpine-3.19.1", distro?.PurlQualifier);
    }

    [Fact]
    public void QuotesAndEscapesAreUnwrapped()
    {
        var distro = Detect(("etc/os-release", "ID='rhel'\nVERSION_ID=\"9.3\"\nPRETTY_NAME=\"Red Hat \\\"Enterprise\\\" Linux\"\nID_LIKE=\"fedora\"\n# comment\nbroken line\n"));

        Assert.Equal("rhel", distro?.Id);
        Assert.Equal("Red Hat \"Enterprise\" Linux", distro?.PrettyName);
        Assert.Equal(["fedora"], distro?.IdLike);
        Assert.Equal("redhat", distro?.PurlNamespace);
    }

    [Fact]
    public void DebianTestingWithoutVersionUsesTheCodename()
    {
        var distro = Detect(("etc/os-release", "ID=debian\nVERSION_CODENAME=trixie\n"), ("etc/debian_version", "trixie/sid\n"));

        Assert.Null(distro?.VersionId);
        Assert.Equal("debian-trixie", distro?.PurlQualifier);
    }

    [Fact]
    public void DebianOsReleaseWithoutVersionTakesTheMajorFromDebianVersion()
    {
        var distro = Detect(("etc/os-release", "ID=debian\n"), ("etc/debian_version", "12.7\n"));

        Assert.Equal("12", distro?.VersionId);
    }

    [Theory]
    [InlineData("etc/alpine-release", "3.19.1\n", "alpine", "3.19.1", null)]
    [InlineData("etc/debian_version", "11.9\n", "debian", "11", null)]
    [InlineData("etc/debian_version", "bookworm/sid\n", "debian", null, "bookworm")]
    [InlineData("etc/redhat-release", "Red Hat Enterprise Linux release 9.3 (Plow)\n", "rhel", "9.3", "Plow")]
    [InlineData("etc/redhat-release", "CentOS Linux release 7.9.2009 (Core)\n", "centos", "7.9.2009", "Core")]
    [InlineData("etc/redhat-release", "Rocky Linux release 9.3 (Blue Onyx)\n", "rocky", "9.3", "Blue Onyx")]
    public void ReleaseFilesWithoutOsRelease(string path, string text, string id, string? version, string? codename)
    {
        var distro = Detect((path, text));

        Assert.NotNull(distro);
        Assert.Equal(id, distro.Id);
        Assert.Equal(version, distro.VersionId);
        Assert.Equal(codename, distro.Codename);
        Assert.Equal(path, distro.SourcePath);
    }

    [Fact]
    public void NothingKnownGivesNull()
    {
        Assert.Null(Detect(("etc/os-release", "NAME=nothing\n"), ("etc/redhat-release", "gibberish")));
    }

    [Theory]
    [InlineData("etc/os-release", true)]
    [InlineData("usr/lib/os-release", true)]
    [InlineData("etc/alpine-release", true)]
    [InlineData("etc/debian_version", true)]
    [InlineData("etc/redhat-release", true)]
    [InlineData("etc/os-release.bak", false)]
    [InlineData("usr/etc/os-release", false)]
    public void ReleaseFileSelection(string path, bool selected) =>
        Assert.Equal(selected, DistroDetector.IsReleaseFile(path));
}
