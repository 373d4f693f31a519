using System.Text;
using System.Text.Json.Nodes;

namespace Gatehouse.Sigstore.Tests;

public sealed class TrustedRootTests
{
    [Fact]
    public void PublicGoodRootLoadsEveryAuthority()
    {
        var root = TrustedRoot.LoadFile(ConformanceData.PublicGoodTrustedRoot);

        Assert.Equal(2, root.TransparencyLogCount);
        Assert.Equal(2, root.CertificateAuthorityCount);
        Assert.Equal(1, root.TimestampAuthorityCount);
    }

    [Fact]
    public void InvalidJsonIsReportedNotThrownByTryParse()
    {
        Assert.False(TrustedRoot.TryParse("{\"tlogs\": ["u8, out var root, out var error));
        Assert.Null(root);
        Assert.Contains("not valid JSON", error, StringComparison.Ordinal);
        Assert.Throws<TrustedRootFormatException>(() => TrustedRoot.Parse("[]"u8));
    }

    [Theory]
    [InlineData("tlogs")]
    [InlineData("certificateAuthorities")]
    [InlineData("timestampAuthorities")]
    public void MissingValidityStartMakesTheRootInvalid(string section)
    {
        var json = JsonNode.Parse(File.ReadAllBytes(ConformanceData.PublicGoodTrustedRoot))!;
        var item = json[section]![0]!;
        var validFor = (item["publicKey"] ?? item)["validFor"]!.AsObject();
        validFor.Remove("start");

        Assert.False(TrustedRoot.TryParse(Encoding.UTF8.GetBytes(json.ToJsonString()), out _, out var error));
        Assert.Contains("validFor.start is required", error, StringComparison.Ordinal);
    }
}
