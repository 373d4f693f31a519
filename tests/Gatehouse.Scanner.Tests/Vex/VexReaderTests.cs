using System.Text;
using Gatehouse.Scanner.Vex;

namespace Gatehouse.Scanner.Tests.Vex;

public sealed class VexReaderTests
{
    private static VexDocument Read(string json) => VexDocumentReader.Read(Encoding.UTF8.GetBytes(json), "test");

    [Fact]
    public void An_openvex_v0_2_document_gives_statements_with_products_subcomponents_and_inherited_time()
    {
        var document = Read("""
            {
              "@context": "https://openvex.dev/ns/v0.2.0",
              "@id": "https://example.test/vex/1",
              "author": "Security Team",
              "timestamp": "2024-05-01T10:00:00Z",
              "version": 2,
              "statements": [
                {
                  "vulnerability": { "@id": "https://nvd.nist.gov/vuln/detail/CVE-2024-1", "name": "CVE-2024-1", "aliases": ["GHSA-xxxx-yyyy-zzzz"] },
                  "products": [
                    {
                      "@id": "pkg:oci/app@sha256%3Aabc",
                      "identifiers": { "purl": "pkg:oci/app@sha256%3Aabc?repository_url=registry.test/app" },
                      "hashes": { "sha-256": "ABC" },
                      "subcomponents": [ { "@id": "pkg:npm/lodash@4.17.20" } ]
                    }
                  ],
                  "status": "not_affected",
                  "justification": "vulnerable_code_not_in_execute_path",
                  "impact_statement": "lodash.template is never called"
                },
                { "vulnerability": { "name": "CVE-2024-2" }, "products": [ { "@id": "pkg:npm/x@1" } ], "status": "affected",
                  "action_statement": "upgrade", "timestamp": "2024-06-01T00:00:00Z" },
                { "vulnerability": { "name": "CVE-2024-3" }, "status": "not_affected" },
                { "vulnerability": { "name": "CVE-2024-4" }, "products": [ { "@id": "pkg:npm/x@1" } ], "status": "maybe" }
              ]
            }
            """);

        Assert.Equal("openvex", document.Format);
        Assert.Equal(2, document.Statements.Count);
        var first = document.Statements[0];
        Assert.Equal(("CVE-2024-1", VexStatus.NotAffected, "vulnerable_code_not_in_execute_path"), (first.Vulnerability, first.Status, first.Justification));
        Assert.Equal(["GHSA-xxxx-yyyy-zzzz"], first.Aliases);
        var product = Assert.Single(first.Products);
        Assert.Equal(["pkg:oci/app@sha256%3Aabc", "pkg:oci/app@sha256%3Aabc?repository_url=registry.test/app", "sha256:abc"], product.Identifiers);
        Assert.Equal(["pkg:npm/lodash@4.17.20"], product.Subcomponents);
        Assert.Equal(DateTimeOffset.Parse("2024-05-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture), first.Timestamp);
        Assert.Equal(DateTimeOffset.Parse("2024-06-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), document.Statements[1].Timestamp);
        Assert.Contains("2, 3", document.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_openvex_v0_0_1_shape_with_plain_strings_is_read()
    {
        var document = Read("""
            { "@context": "https://openvex.dev/ns", "author": "a", "timestamp": "2023-01-01T00:00:00Z",
              "statements": [ { "vulnerability": "CVE-2023-9", "products": ["pkg:apk/wolfi/git@2.39.0-r1"], "subcomponents": ["pkg:apk/wolfi/curl"],
                                "status": "fixed" } ] }
            """);

        var statement = Assert.Single(document.Statements);
        Assert.Equal(("CVE-2023-9", VexStatus.Fixed), (statement.Vulnerability, statement.Status));
        Assert.Equal(["pkg:apk/wolfi/curl"], Assert.Single(statement.Products).Subcomponents);
    }

    [Theory]
    [InlineData("not_affected", VexStatus.NotAffected)]
    [InlineData("false_positive", VexStatus.NotAffected)]
    [InlineData("resolved", VexStatus.Fixed)]
    [InlineData("resolved_with_pedigree", VexStatus.Fixed)]
    [InlineData("exploitable", VexStatus.Affected)]
    [InlineData("in_triage", VexStatus.UnderInvestigation)]
    public void Cyclonedx_analysis_states_map_to_vex_statuses(string state, VexStatus expected)
    {
        var statement = Assert.Single(Read(VexDocuments.CycloneDxVex("CVE-2024-5", "pkg:npm/x@1", state)).Statements);

        Assert.Equal(expected, statement.Status);
    }

    [Fact]
    public void Cyclonedx_affects_refs_resolve_to_purls_through_bom_refs_and_bom_links()
    {
        var document = Read("""
            {
              "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
              "metadata": { "timestamp": "2024-02-02T00:00:00Z", "component": { "type": "container", "bom-ref": "image", "name": "app", "purl": "pkg:oci/app@sha256%3Aabc" } },
              "components": [ { "type": "library", "bom-ref": "lodash-ref", "name": "lodash", "purl": "pkg:npm/lodash@4.17.20" } ],
              "vulnerabilities": [
                { "id": "CVE-2024-6", "references": [ { "id": "GHSA-aaaa-bbbb-cccc", "source": { "name": "GitHub" } } ],
                  "analysis": { "state": "not_affected", "justification": "code_not_reachable", "response": ["will_not_fix"] },
                  "affects": [ { "ref": "lodash-ref" }, { "ref": "image" },
                               { "ref": "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg:deb/debian/libc6@2.36?arch=amd64|var/lib/dpkg/status" } ] },
                { "id": "CVE-2024-7", "affects": [ { "ref": "lodash-ref" } ] }
              ]
            }
            """);

        var statement = Assert.Single(document.Statements);
        Assert.Equal(("code_not_reachable", "will_not_fix"), (statement.Justification, statement.ActionStatement));
        Assert.Equal(["GHSA-aaaa-bbbb-cccc"], statement.Aliases);
        Assert.Equal(["pkg:npm/lodash@4.17.20", "lodash-ref"], statement.Products[0].Identifiers);
        Assert.Equal(["pkg:oci/app@sha256%3Aabc", "image"], statement.Products[1].Identifiers);
        Assert.Equal("pkg:deb/debian/libc6@2.36?arch=amd64", statement.Products[2].Identifiers[0]);
        Assert.NotNull(document.Error);
    }

    [Fact]
    public void Documents_of_neither_format_and_plain_sboms_are_told_apart()
    {
        Assert.NotNull(Read("""{ "hello": "world" }""").Error);
        Assert.NotNull(Read("not json").Error);
        var sbom = Read("""{ "bomFormat": "CycloneDX", "specVersion": "1.6", "components": [] }""");
        Assert.Null(sbom.Error);
        Assert.Empty(sbom.Statements);
    }
}
