using Gatehouse.Contracts.Messages;
using Gatehouse.Scanner.Advisories;
using Gatehouse.Scanner.Vulnerabilities;

namespace Gatehouse.Scanner.Tests.Vulnerabilities;

/// <summary>AdvisoriesUpdated → only the images containing a changed package are re-evaluated, from stored SBOMs.</summary>
public sealed class AdvisoryReevaluationConsumerTests
{
    private static readonly string WithOpenssl = TestSboms.Digest('1');
    private static readonly string WithGlibc = TestSboms.Digest('2');
    private static readonly string NpmOnly = TestSboms.Digest('3');

    private static async Task<ScannerHarness> ThreeImagesAsync()
    {
        var harness = await ScannerHarness.StartAsync(null, SampleImage.Records);
        await harness.PublishAndWaitAsync(await TestSboms.IndexAsync(harness.Store, WithOpenssl, TestSboms.Bom(WithOpenssl,
            TestSboms.Deb("libssl3", "3.0.11-1~deb12u2", "openssl"), TestSboms.Deb("libc6", "2.36-9+deb12u4", "glibc"))));
        await harness.PublishAndWaitAsync(await TestSboms.IndexAsync(harness.Store, WithGlibc, TestSboms.Bom(WithGlibc,
            TestSboms.Deb("libc6", "2.36-9+deb12u4", "glibc"))));
        await harness.PublishAndWaitAsync(await TestSboms.IndexAsync(harness.Store, NpmOnly, TestSboms.Bom(NpmOnly, TestSboms.Npm("lodash", "4.17.20"))));
        return harness;
    }

    [Fact]
    public async Task A_new_advisory_re_evaluates_only_the_images_containing_its_package()
    {
        await using var harness = await ThreeImagesAsync();
        var report = await harness.ImportAsync(OsvJson.Record("CVE-2024-0100", "Debian:12", "openssl", fixedIn: "3.0.14-1~deb12u1", cvss: OsvJson.High));
        var update = report.ToAdvisoriesUpdated(DateTimeOffset.UtcNow)!;
        Assert.Equal(["pkg:deb/debian/openssl"], update.AffectedPackages);

        await harness.PublishAndWaitAsync(update);

        var reevaluated = harness.Bus.Published.Select<VulnerabilitiesFound>().Select(m => m.Context.Message).Where(m => m.Trigger == "advisories").ToList();
        var found = Assert.Single(reevaluated);
        Assert.Equal(WithOpenssl, found.Digest);
        Assert.Equal(update.DataVersion, found.AdvisoryDataVersion);
        Assert.Equal((1, 2, 1, 1), (found.Critical, found.High, found.FixableCritical, found.FixableHigh));
        var current = await new VulnerabilityReportStore(harness.Store).GetCurrentAsync(WithOpenssl);
        Assert.Contains(current!.Findings, f => f.Id == "CVE-2024-0100" && f.Package.Name == "libssl3" && f.FixState == FixState.Fixed);
    }

    [Fact]
    public async Task A_redelivered_update_publishes_nothing_new()
    {
        await using var harness = await ThreeImagesAsync();
        var update = (await harness.ImportAsync(OsvJson.Record("CVE-2024-0101", "Debian:12", "glibc", cvss: OsvJson.Medium))).ToAdvisoriesUpdated(DateTimeOffset.UtcNow)!;

        await harness.PublishAndWaitAsync(update);
        await harness.PublishAndWaitAsync(update);

        var reevaluated = harness.Bus.Published.Select<VulnerabilitiesFound>().Select(m => m.Context.Message).Where(m => m.Trigger == "advisories").ToList();
        Assert.Equal([WithOpenssl, WithGlibc], reevaluated.Select(m => m.Digest).Order(StringComparer.Ordinal));
        Assert.All(reevaluated, m => Assert.Equal(1, m.Medium));
    }

    [Fact]
    public async Task An_image_whose_stored_sbom_is_gone_is_reported_and_the_others_still_re_evaluated()
    {
        await using var harness = await ThreeImagesAsync();
        await harness.Store.DeleteAsync(Contracts.StoreKeys.Sbom(WithGlibc));
        var update = (await harness.ImportAsync(OsvJson.Record("CVE-2024-0102", "Debian:12", "glibc", cvss: OsvJson.Low))).ToAdvisoriesUpdated(DateTimeOffset.UtcNow)!;

        await harness.PublishAndWaitAsync(update);

        Assert.Single(harness.Failures(WithGlibc));
        Assert.Single(harness.Found(WithOpenssl), m => m.Trigger == "advisories");
    }
}
