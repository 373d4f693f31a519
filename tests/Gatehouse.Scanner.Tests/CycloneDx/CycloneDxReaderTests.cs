using System.Text;
using Gatehouse.Scanner.CycloneDx;
using Gatehouse.Testing;

namespace Gatehouse.Scanner.Tests.CycloneDx;

public sealed class CycloneDxReaderTests
{
    [Fact]
    public async Task Reads_a_foreign_bom_with_components_and_dependencies()
    {
        await using var stream = File.OpenRead(RepoPaths.TestData("cyclonedx", "examples", "valid", "valid-dependency-1.6.json"));
        var bom = await CycloneDxReader.ReadAsync(stream, CancellationToken.None);
        Assert.Equal("1.6", bom.SpecVersion);
        Assert.NotEmpty(bom.Components!);
        Assert.Contains(bom.Dependencies!, d => d.DependsOn is { Count: > 0 });
    }

    [Fact]
    public void Reads_the_pre_1_5_tools_array()
    {
        const string Json = """
            {"bomFormat":"CycloneDX","specVersion":"1.4","version":1,
             "metadata":{"tools":[{"vendor":"anchore","name":"syft","version":"0.90.0"}]}}
            """;
        var tool = Assert.Single(CycloneDxReader.Read(Encoding.UTF8.GetBytes(Json)).Metadata!.Tools!.Components!);
        Assert.Equal(("anchore", "syft", "0.90.0"), (tool.Group, tool.Name, tool.Version));
    }

    [Theory]
    [InlineData("""{"bomFormat":"SPDX","specVersion":"1.6"}""")]
    [InlineData("""{"specVersion":"1.6"}""")]
    [InlineData("""{"bomFormat":"CycloneDX","specVersion":"2.0"}""")]
    [InlineData("""{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library"}]}""")]
    [InlineData("""{"bomFormat":"CycloneDX",""")]
    public void Rejects_what_is_not_a_cyclonedx_bom(string json)
    {
        Assert.Throws<InvalidDataException>(() => CycloneDxReader.Read(Encoding.UTF8.GetBytes(json)));
    }
}
