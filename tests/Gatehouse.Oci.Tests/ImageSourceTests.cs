using Gatehouse.Oci.Layout;
using Gatehouse.Oci.Registry;

namespace Gatehouse.Oci.Tests;

public sealed class ImageSourceTests
{
    private readonly IImageStoreFactory _factory = OciTestHost.Build().GetRequiredService<IImageStoreFactory>();

    [Theory]
    [InlineData("oci:/tmp/images/demo:v1", "/tmp/images/demo", "v1")]
    [InlineData("oci:/tmp/images/demo", "/tmp/images/demo", "")]
    [InlineData("oci:relative/dir:12", "relative/dir", "12")]
    [InlineData("oci:/tmp/with:colon/dir", "/tmp/with:colon/dir", "")]
    [InlineData("oci:/tmp/d@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "/tmp/d",
        "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void Layout_sources_split_into_folder_and_reference(string source, string directory, string reference)
    {
        var opened = _factory.Open(source);

        var store = Assert.IsType<OciLayoutStore>(opened.Store);
        Assert.Equal(Path.GetFullPath(directory), store.Directory);
        Assert.Equal(reference, opened.Reference);
        Assert.Null(opened.Image);
    }

    [Fact]
    public void Anything_else_is_a_registry_reference()
    {
        var opened = _factory.Open("127.0.0.1:5000/demo/debian:12");

        var store = Assert.IsType<RegistryImageStore>(opened.Store);
        Assert.Equal("127.0.0.1:5000", store.Registry);
        Assert.Equal(("demo/debian", "12"), (opened.Repository, opened.Reference));
        Assert.Equal("127.0.0.1:5000/demo/debian:12", opened.ToString());
    }

    [Fact]
    public void Docker_hub_short_names_get_the_library_prefix_and_latest()
    {
        var opened = _factory.Open("debian");

        Assert.Equal("docker.io", opened.Store.Location);
        Assert.Equal(("library/debian", "latest"), (opened.Repository, opened.Reference));
    }

    [Fact]
    public void Neither_form_is_a_format_error_with_the_reason()
    {
        var error = Assert.Throws<FormatException>(() => _factory.Open("Not A Reference"));

        Assert.Contains("oci:<dir>", error.Message, StringComparison.Ordinal);
        Assert.Contains("whitespace", error.Message, StringComparison.Ordinal);
    }
}
