using System.Text;
using Gatehouse.Oci;
using Gatehouse.Oci.Layout;
using Gatehouse.Scanner.Advisories;
using Gatehouse.Scanner.Tests.Vulnerabilities;
using Gatehouse.Scanner.Vulnerabilities;

namespace Gatehouse.Scanner.Tests.Vex;

/// <summary>VEX from configured files and from referrers, applied by the consumers: suppressed, visible, justified.</summary>
public sealed class VexSuppressionTests
{
    [Fact]
    public async Task An_openvex_file_suppresses_not_affected_findings_and_records_the_justification()
    {
        var folder = Directory.CreateTempSubdirectory("gatehouse-vexfile-");
        try
        {
            var file = Path.Combine(folder.FullName, "vex.json");
            await File.WriteAllTextAsync(file, VexDocuments.OpenVex("CVE-2024-0003", "pkg:deb/debian/libc6", "not_affected", "vulnerable_code_not_in_execute_path"));
            await using var harness = await ScannerHarness.StartAsync(new Dictionary<string, string?> { ["Gatehouse:Scanner:Vex:Paths:0"] = file }, SampleImage.Records);
            var digest = TestSboms.Digest('a');

            await harness.PublishAndWaitAsync(await TestSboms.IndexAsync(harness.Store, digest, SampleImage.Bom(digest)));

            var found = Assert.Single(harness.Found(digest));
            Assert.Equal((SampleImage.Critical, SampleImage.High - 1), (found.Critical, found.High));
            var report = await new VulnerabilityReportStore(harness.Store).GetReportAsync(found.ReportRef);
            var suppressed = Assert.Single(report!.Findings, f => f.Id == "CVE-2024-0003");
            Assert.Equal(FindingStatus.Suppressed, suppressed.Status);
            Assert.Equal(("not_affected", "vulnerable_code_not_in_execute_path", "file:" + file),
                (suppressed.Suppression!.Status, suppressed.Suppression.Justification, suppressed.Suppression.Source));
            Assert.Equal(1, report.Summary.Suppressed);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_cyclonedx_vex_referrer_suppresses_for_that_image_and_re_evaluation_uses_the_cached_copy()
    {
        await using var harness = await ScannerHarness.StartAsync(null, SampleImage.Records);
        var digest = harness.ImageDigest;
        var libssl3 = TestSboms.Deb("libssl3", "3.0.11-1~deb12u2", "openssl");
        var layout = new OciLayoutStore(harness.LayoutPath);
        var subject = (await layout.ResolveAsync("", digest)).ManifestDescriptor;
        var vex = Encoding.UTF8.GetBytes(VexDocuments.CycloneDxVex("CVE-2024-0001", $"urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#{libssl3.BomRef}", "resolved"));
        var referrer = await layout.AttachReferrerAsync("", subject,
            new ReferrerArtifact("application/vnd.cyclonedx+json", [new ArtifactBlob("application/vnd.cyclonedx+json", vex)]));

        await harness.PublishAndWaitAsync(await TestSboms.IndexAsync(harness.Store, digest, SampleImage.Bom(digest), ScannerHarness.Registry, "app"));

        var first = Assert.Single(harness.Found(digest));
        Assert.Equal(SampleImage.Critical - 1, first.Critical);
        var report = await new VulnerabilityReportStore(harness.Store).GetReportAsync(first.ReportRef);
        var suppressed = Assert.Single(report!.Findings, f => f.Status == FindingStatus.Suppressed);
        Assert.Equal(("libssl3", "fixed", "referrer:" + referrer.Digest), (suppressed.Package.Name, suppressed.Suppression!.Status, suppressed.Suppression.Source));

        // Re-evaluation reads no registry: with the layout gone, the cached statements must still apply.
        Directory.Delete(harness.LayoutPath, recursive: true);
        var update = (await harness.ImportAsync(OsvJson.Record("CVE-2024-0200", "Debian:12", "openssl", cvss: OsvJson.Medium))).ToAdvisoriesUpdated(DateTimeOffset.UtcNow)!;
        await harness.PublishAndWaitAsync(update);

        var second = Assert.Single(harness.Found(digest), m => m.Trigger == "advisories");
        Assert.Equal((SampleImage.Critical - 1, 2), (second.Critical, second.Medium));
        Assert.Empty(harness.Failures(digest));
    }
}
