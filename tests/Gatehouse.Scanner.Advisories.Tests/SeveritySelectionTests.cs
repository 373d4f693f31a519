using System.Text.Json;
using Gatehouse.Scanner.Advisories.Matching;
using Gatehouse.Scanner.Advisories.Osv;
using Gatehouse.Scanner.Advisories.Severity;
using static Gatehouse.Scanner.Advisories.Tests.TestRecords;

namespace Gatehouse.Scanner.Advisories.Tests;

// Every finding states its severity's source: record, field and kind.
public sealed class SeveritySelectionTests
{
    [Fact]
    public void A_scored_cvss_vector_beats_the_databases_word_and_the_source_says_so()
    {
        Finding finding = Assert.Single(Matcher(Load("GHSA-f5pg-7wfw-84q9.json")).Match(Package("Go", "github.com/aws/aws-sdk-go", "1.33.0")));

        Assert.Equal(SeverityLevel.Critical, finding.Severity.Level);
        Assert.Equal(9.8, finding.Severity.Score);
        Assert.Equal(new SeveritySource("GHSA-f5pg-7wfw-84q9", "severity[0]", "CVSS_V3"), finding.Severity.Source);
        Assert.Equal("CVE-2020-8911", finding.Id);
    }

    [Fact]
    public void Ubuntu_priorities_are_a_severity_source()
    {
        Finding finding = Assert.Single(Matcher(Load("UBUNTU-CVE-2025-38094.json")).Match(Package("Ubuntu:Pro:14.04:LTS", "linux", "3.13.0-206.257")));

        Assert.Equal(SeverityLevel.Medium, finding.Severity.Level);
        Assert.Null(finding.Severity.Score);
        Assert.Equal("medium", finding.Severity.Text);
        Assert.Equal(new SeveritySource("UBUNTU-CVE-2025-38094", "severity[0]", "Ubuntu"), finding.Severity.Source);
    }

    [Fact]
    public void Database_specific_words_are_used_when_no_vector_is_given()
    {
        OsvRecord record = Record("GHSA-word-word-word", Affected("npm", "w", Introduced("0"))) with
        {
            DatabaseSpecific = JsonDocument.Parse("""{"severity": "MODERATE", "cwe_ids": ["CWE-79"]}""").RootElement,
        };
        Finding finding = Assert.Single(Matcher(record).Match(Package("npm", "w", "1.0.0")));

        Assert.Equal(SeverityLevel.Medium, finding.Severity.Level);
        Assert.Equal("MODERATE", finding.Severity.Text);
        Assert.Equal(new SeveritySource("GHSA-word-word-word", "database_specific.severity", "TEXT"), finding.Severity.Source);
    }

    [Fact]
    public void Debian_urgency_in_ecosystem_specific_is_read()
    {
        OsvAffected affected = Affected("Debian:12", "glibc", Introduced("0"), Fixed("2.36-9+deb12u4")) with
        {
            EcosystemSpecific = JsonDocument.Parse("""{"urgency": "high"}""").RootElement,
        };
        Finding finding = Assert.Single(Matcher(Record("DEBIAN-CVE-2023-4911", affected)).Match(Package("Debian:12", "libc6", "2.36-9+deb12u3", sourceName: "glibc")));

        Assert.Equal(SeverityLevel.High, finding.Severity.Level);
        Assert.Equal(new SeveritySource("DEBIAN-CVE-2023-4911", "affected[0].ecosystem_specific.urgency", "TEXT"), finding.Severity.Source);
    }

    [Fact]
    public void Cvss_v4_is_preferred_over_v3_and_unscorable_vectors_are_passed_over()
    {
        OsvRecord record = Record("GHSA-vec4-vec4-vec4", Affected("npm", "v", Introduced("0"))) with
        {
            Severity =
            [
                new OsvSeverity { Type = "CVSS_V4", Score = "CVSS:4.0/AV:N/garbage" },
                new OsvSeverity { Type = "CVSS_V3", Score = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" },
                new OsvSeverity { Type = "CVSS_V4", Score = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N" },
            ],
        };
        Finding finding = Assert.Single(Matcher(record).Match(Package("npm", "v", "1.0.0")));

        Assert.Equal(6.9, finding.Severity.Score);
        Assert.Equal(SeverityLevel.Medium, finding.Severity.Level);
        Assert.Equal("severity[2]", finding.Severity.Source!.Field);
        Assert.Equal("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N", finding.Severity.Vector);
    }

    [Fact]
    public void A_package_level_severity_replaces_the_record_level_one()
    {
        OsvAffected withOwn = Affected("npm", "a", Introduced("0")) with
        {
            Severity = [new OsvSeverity { Type = "CVSS_V3", Score = "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N" }],
        };
        OsvRecord record = Record("GHSA-pkgs-pkgs-pkgs", withOwn, Affected("npm", "b", Introduced("0"))) with
        {
            Severity = [new OsvSeverity { Type = "CVSS_V3", Score = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" }],
        };
        AdvisoryMatcher matcher = Matcher(record);

        Finding a = Assert.Single(matcher.Match(Package("npm", "a", "1.0.0")));
        Assert.Equal((3.1, "affected[0].severity[0]"), (a.Severity.Score!.Value, a.Severity.Source!.Field));
        Finding b = Assert.Single(matcher.Match(Package("npm", "b", "1.0.0")));
        Assert.Equal((9.8, "severity[0]"), (b.Severity.Score!.Value, b.Severity.Source!.Field));
    }

    [Fact]
    public void Without_any_stated_severity_the_level_is_unknown_and_no_source_is_claimed()
    {
        Finding finding = Assert.Single(Matcher(Load("DSA-3029-1.json")).Match(Package("Debian:7", "nginx", "1.2.1-2.2")));

        Assert.Equal(SeverityRating.None, finding.Severity);
    }

    [Fact]
    public void Merged_findings_take_the_best_ranked_severity_of_all_their_records()
    {
        OsvRecord words = Record("GHSA-mmmm-mmmm-mmmm", Affected("npm", "m", Introduced("0"))) with
        {
            Aliases = ["CVE-2024-9999"],
            DatabaseSpecific = JsonDocument.Parse("""{"severity": "LOW"}""").RootElement,
        };
        OsvRecord vector = Record("CVE-2024-9999", Affected("npm", "m", Introduced("0"))) with
        {
            Severity = [new OsvSeverity { Type = "CVSS_V3", Score = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N" }],
        };
        Finding finding = Assert.Single(Matcher(words, vector).Match(Package("npm", "m", "1.0.0")));

        Assert.Equal(SeverityLevel.High, finding.Severity.Level);
        Assert.Equal("CVE-2024-9999", finding.Severity.Source!.Record);
    }
}
