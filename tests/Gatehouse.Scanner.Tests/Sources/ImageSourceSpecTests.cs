using Gatehouse.Scanner.Sources;

namespace Gatehouse.Scanner.Tests.Sources;

public sealed class ImageSourceSpecTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("127.0.0.1:5000/demo/debian:12", "127.0.0.1:5000/demo/debian", "12")]
    [InlineData("docker://127.0.0.1:5000/demo/debian:12", "127.0.0.1:5000/demo/debian", "12")]
    [InlineData("debian", "docker.io/library/debian", "latest")]
    [InlineData("127.0.0.1:5000/demo/debian:12@" + Digest, "127.0.0.1:5000/demo/debian", Digest)]
    public void RegistryReferences(string value, string location, string reference)
    {
        var spec = ImageSourceSpec.Parse(value);

        Assert.Equal(ImageSourceKind.Registry, spec.Kind);
        Assert.Equal(location, spec.Location);
        Assert.Equal(reference, spec.Reference);
        Assert.NotNull(spec.Image);
    }

    [Theory]
    [InlineData("oci:/tmp/layout:12", "/tmp/layout", "12")]
    [InlineData("oci:/tmp/layout", "/tmp/layout", null)]
    [InlineData("oci:/tmp/layout@" + Digest, "/tmp/layout", Digest)]
    [InlineData("oci:relative/dir:v1.2", "relative/dir", "v1.2")]
    public void OciLayouts(string value, string location, string? reference)
    {
        var spec = ImageSourceSpec.Parse(value);

        Assert.Equal(ImageSourceKind.OciLayout, spec.Kind);
        Assert.Equal(location, spec.Location);
        Assert.Equal(reference, spec.Reference);
        Assert.Equal(value, spec.ToString());
    }

    [Theory]
    [InlineData("docker-archive:/tmp/image.tar", "/tmp/image.tar", null)]
    [InlineData("docker-archive:/tmp/image.tar:debian:12", "/tmp/image.tar", "debian:12")]
    [InlineData("docker-archive:/tmp/image.tar:@1", "/tmp/image.tar", "@1")]
    public void DockerArchives(string value, string location, string? reference)
    {
        var spec = ImageSourceSpec.Parse(value);

        Assert.Equal(ImageSourceKind.DockerArchive, spec.Kind);
        Assert.Equal(location, spec.Location);
        Assert.Equal(reference, spec.Reference);
        Assert.Equal(value, spec.ToString());
    }

    [Fact]
    public void Directories()
    {
        var spec = ImageSourceSpec.Parse("dir:/srv/rootfs");

        Assert.Equal(ImageSourceKind.Directory, spec.Kind);
        Assert.Equal("/srv/rootfs", spec.Location);
        Assert.Null(spec.Reference);
    }

    [Theory]
    [InlineData("")]
    [InlineData("dir:")]
    [InlineData("oci:")]
    [InlineData("docker-archive:")]
    [InlineData("docker-archive:/tmp/x.tar:")]
    [InlineData("docker-archive:/tmp/x.tar:Not A Ref")]
    [InlineData("Repo:tag")]
    [InlineData("repo@sha256:short")]
    public void InvalidSourcesAreRejectedWithAReason(string value)
    {
        Assert.False(ImageSourceSpec.TryParse(value, out var spec, out var error));
        Assert.Null(spec);
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.Throws<FormatException>(() => ImageSourceSpec.Parse(value));
    }
}
