using System.Text.Json;
using Gatehouse.Scanner.Vex;
using Gatehouse.Scanner.Vulnerabilities;

namespace Gatehouse.Scanner.Tests.Vulnerabilities;

/// <summary>SARIF 2.1.0 output: the properties the schema requires, and what code scanning needs to show a result.</summary>
public sealed class SarifWriterTests
{
    private static readonly string Digest = TestSboms.Digest('a');
    private static readonly string[] Levels = ["error", "warning", "note"];

    private static JsonDocument Sarif(IReadOnlyList<VexDocument>? vex = null)
    {
        var report = VulnerabilityEvaluator.Evaluate(new EvaluationInput(SampleImage.Bom(Digest), Digest, OsvJson.Snapshot("data-1", SampleImage.Records),
            vex ?? [], VulnerabilityEvaluator.CliTrigger, DateTimeOffset.UnixEpoch));
        using var buffer = new MemoryStream();
        SarifWriter.Write(report, "registry.test/app:1", "1.2.3", buffer);
        return JsonDocument.Parse(buffer.ToArray());
    }

    [Fact]
    public void The_log_has_the_required_top_level_run_and_tool_properties()
    {
        using var sarif = Sarif();
        var root = sarif.RootElement;

        Assert.Equal("2.1.0", root.GetProperty("version").GetString());
        Assert.EndsWith("sarif-2.1.0.json", root.GetProperty("$schema").GetString(), StringComparison.Ordinal);
        var run = Assert.Single(root.GetProperty("runs").EnumerateArray());
        var driver = run.GetProperty("tool").GetProperty("driver");
        Assert.Equal("gatehouse", driver.GetProperty("name").GetString());
        Assert.Equal("1.2.3", driver.GetProperty("version").GetString());
    }

    [Fact]
    public void There_is_one_rule_per_vulnerability_with_severity_and_every_result_points_at_its_rule_and_a_location()
    {
        using var sarif = Sarif();
        var run = sarif.RootElement.GetProperty("runs")[0];
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().ToList();
        var results = run.GetProperty("results").EnumerateArray().ToList();

        var ids = rules.Select(r => r.GetProperty("id").GetString()!).ToList();
        Assert.Equal(ids.Distinct().Order(StringComparer.Ordinal), ids);
        Assert.Equal(["CVE-2024-0001", "CVE-2024-0003", "CVE-2024-0005", "CVE-2024-0006", "GHSA-dddd-eeee-ffff"], ids);
        Assert.All(rules, rule =>
        {
            Assert.False(string.IsNullOrEmpty(rule.GetProperty("shortDescription").GetProperty("text").GetString()));
            Assert.Contains(rule.GetProperty("defaultConfiguration").GetProperty("level").GetString(), Levels);
        });
        Assert.Equal("9.8", rules[0].GetProperty("properties").GetProperty("security-severity").GetString());

        Assert.Equal(6, results.Count); // one per finding: each package has one location
        Assert.All(results, result =>
        {
            var ruleIndex = result.GetProperty("ruleIndex").GetInt32();
            Assert.Equal(ids[ruleIndex], result.GetProperty("ruleId").GetString());
            Assert.False(string.IsNullOrEmpty(result.GetProperty("message").GetProperty("text").GetString()));
            Assert.Contains(result.GetProperty("level").GetString(), Levels);
            var artifact = Assert.Single(result.GetProperty("locations").EnumerateArray()).GetProperty("physicalLocation").GetProperty("artifactLocation");
            Assert.False(string.IsNullOrEmpty(artifact.GetProperty("uri").GetString()));
        });
        var libc = Assert.Single(results, r => r.GetProperty("ruleId").GetString() == "CVE-2024-0003");
        Assert.Equal(TestSboms.Status, libc.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString());
    }

    [Fact]
    public void A_vex_suppressed_finding_is_a_result_with_an_accepted_external_suppression()
    {
        var statement = new VexStatement
        {
            Vulnerability = "CVE-2024-0003",
            Products = [new VexProduct(["pkg:deb/debian/libc6"], [])],
            Status = VexStatus.NotAffected,
            Justification = "vulnerable_code_not_present",
            Source = "file:vex.json",
        };
        using var sarif = Sarif([new VexDocument("file:vex.json", "openvex", [statement])]);

        var result = Assert.Single(sarif.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray(),
            r => r.GetProperty("ruleId").GetString() == "CVE-2024-0003");
        var suppression = Assert.Single(result.GetProperty("suppressions").EnumerateArray());
        Assert.Equal(("external", "accepted"), (suppression.GetProperty("kind").GetString(), suppression.GetProperty("status").GetString()));
        Assert.Contains("vulnerable_code_not_present", suppression.GetProperty("justification").GetString(), StringComparison.Ordinal);
    }
}
