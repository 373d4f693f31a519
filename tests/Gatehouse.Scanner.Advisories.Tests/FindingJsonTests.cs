using System.Text.Json;
using System.Text.Json.Nodes;
using static Gatehouse.Scanner.Advisories.Tests.TestRecords;

namespace Gatehouse.Scanner.Advisories.Tests;

// The stored report format: field names and value spellings are a contract (README documents them).
public sealed class FindingJsonTests
{
    [Fact]
    public void An_affected_finding_serializes_to_the_documented_shape()
    {
        Finding finding = Assert.Single(Matcher(Load("GHSA-266m-wp2v-x7mq.json")).Match(
            Package("NuGet", "Microsoft.NETCore.App.Runtime.linux-arm", "9.0.5") with { Purl = "pkg:nuget/Microsoft.NETCore.App.Runtime.linux-arm@9.0.5" }));

        JsonNode json = JsonNode.Parse(JsonSerializer.Serialize(finding, FindingJsonContext.Default.Finding))!;

        Assert.Equal(
            ["id", "aliases", "records", "summary", "package", "installedVersion", "fixedVersions", "fixState", "severity", "advisoryDataVersion", "status"],
            json.AsObject().Select(p => p.Key));
        Assert.Equal("CVE-2025-30399", (string?)json["id"]);
        Assert.Equal("GHSA-266m-wp2v-x7mq", (string?)json["aliases"]![0]);
        Assert.Equal(["name", "version", "purl", "ecosystem"], json["package"]!.AsObject().Select(p => p.Key));
        Assert.Equal("9.0.6", (string?)json["fixedVersions"]![0]);
        Assert.Equal("fixed", (string?)json["fixState"]);
        Assert.Equal("affected", (string?)json["status"]);
        Assert.Equal("HIGH", (string?)json["severity"]!["level"]);
        Assert.Equal(7.5, (double?)json["severity"]!["score"]);
        Assert.Equal("CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:H", (string?)json["severity"]!["vector"]);
        Assert.Equal("""{"record":"GHSA-266m-wp2v-x7mq","field":"severity[0]","type":"CVSS_V3"}""", json["severity"]!["source"]!.ToJsonString());
        Assert.Equal("test-data-version", (string?)json["advisoryDataVersion"]);
    }

    [Fact]
    public void A_not_evaluated_finding_carries_its_reason_and_round_trips()
    {
        Finding finding = Assert.Single(Matcher(Load("DSA-3029-1.json")).Match(Package("Debian:7", "nginx-core", "??", sourceName: "nginx")));

        string text = JsonSerializer.Serialize(finding, FindingJsonContext.Default.Finding);
        JsonNode json = JsonNode.Parse(text)!;

        Assert.Equal("not-evaluated", (string?)json["status"]);
        Assert.Equal("unknown", (string?)json["fixState"]);
        Assert.Contains("not a valid dpkg version", (string?)json["reason"], StringComparison.Ordinal);
        Assert.Equal("nginx", (string?)json["package"]!["sourceName"]);
        Assert.Equal("UNKNOWN", (string?)json["severity"]!["level"]);
        Assert.Null(json["suppression"]);

        Finding back = JsonSerializer.Deserialize(text, FindingJsonContext.Default.Finding)!;
        Assert.Equal(text, JsonSerializer.Serialize(back, FindingJsonContext.Default.Finding));
    }
}
