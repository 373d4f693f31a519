using Gatehouse.Scanner.Advisories;
using Gatehouse.Scanner.Advisories.Severity;
using Gatehouse.Scanner.Vex;

namespace Gatehouse.Scanner.Tests.Vex;

public sealed class VexApplierTests
{
    private const string Image = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string OtherImage = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    private static Finding Lodash(string id = "CVE-2024-1", params string[] aliases) => new()
    {
        Id = id,
        Aliases = aliases,
        Records = [id],
        Package = new FindingPackage { Name = "lodash", Version = "4.17.20", Purl = "pkg:npm/lodash@4.17.20", Ecosystem = "npm" },
        InstalledVersion = "4.17.20",
        FixedVersions = ["4.17.21"],
        FixState = FixState.Fixed,
        Severity = new SeverityRating(SeverityLevel.High, 7.5, null, null, null),
        AdvisoryDataVersion = "v1",
        Status = FindingStatus.Affected,
    };

    private static Finding Libc6() => Lodash("CVE-2024-9") with
    {
        Package = new FindingPackage
        {
            Name = "libc6", Version = "2.36-9+deb12u4", Purl = "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12&upstream=glibc",
            Ecosystem = "Debian:12", SourceName = "glibc", SourceVersion = "2.36-9+deb12u4",
        },
    };

    private static VexStatement Statement(string id, VexStatus status, string product, string? subcomponent = null, string? at = null, params string[] aliases) => new()
    {
        Vulnerability = id,
        Aliases = aliases,
        Products = [new VexProduct([product], subcomponent is null ? [] : [subcomponent])],
        Status = status,
        Justification = status == VexStatus.NotAffected ? "component_not_present" : null,
        Timestamp = at is null ? null : DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture),
        Source = "test",
    };

    private static Finding ApplyOne(Finding finding, params VexStatement[] statements) => Assert.Single(VexApplier.Apply([finding], Image, statements));

    [Theory]
    [InlineData("pkg:npm/lodash")]
    [InlineData("pkg:npm/lodash@4.17.20")]
    [InlineData("pkg:npm/Lodash@4.17.20?foo=bar")]
    public void A_not_affected_statement_for_the_package_suppresses_with_its_justification(string product)
    {
        var result = ApplyOne(Lodash(), Statement("CVE-2024-1", VexStatus.NotAffected, product));

        Assert.Equal(FindingStatus.Suppressed, result.Status);
        Assert.Equal(("not_affected", "component_not_present", "test"), (result.Suppression!.Status, result.Suppression.Justification, result.Suppression.Source));
    }

    [Fact]
    public void Another_version_another_vulnerability_or_an_affected_status_do_not_suppress()
    {
        Assert.Equal(FindingStatus.Affected, ApplyOne(Lodash(), Statement("CVE-2024-1", VexStatus.NotAffected, "pkg:npm/lodash@4.17.19")).Status);
        Assert.Equal(FindingStatus.Affected, ApplyOne(Lodash(), Statement("CVE-2024-2", VexStatus.NotAffected, "pkg:npm/lodash")).Status);
        Assert.Equal(FindingStatus.Affected, ApplyOne(Lodash(), Statement("CVE-2024-1", VexStatus.UnderInvestigation, "pkg:npm/lodash")).Status);
    }

    [Fact]
    public void A_statement_may_name_a_finding_by_an_alias_either_way()
    {
        Assert.Equal(FindingStatus.Suppressed, ApplyOne(Lodash("CVE-2024-1", "GHSA-aaaa-bbbb-cccc"),
            Statement("GHSA-aaaa-bbbb-cccc", VexStatus.Fixed, "pkg:npm/lodash")).Status);
        Assert.Equal(FindingStatus.Suppressed, ApplyOne(Lodash(),
            Statement("GHSA-zzzz-zzzz-zzzz", VexStatus.Fixed, "pkg:npm/lodash", null, null, "CVE-2024-1")).Status);
    }

    [Fact]
    public void The_latest_statement_decides()
    {
        var older = Statement("CVE-2024-1", VexStatus.NotAffected, "pkg:npm/lodash", at: "2024-01-01T00:00:00Z");
        var newer = Statement("CVE-2024-1", VexStatus.Affected, "pkg:npm/lodash", at: "2024-02-01T00:00:00Z");

        Assert.Equal(FindingStatus.Affected, ApplyOne(Lodash(), newer, older).Status);
        Assert.Equal(FindingStatus.Suppressed, ApplyOne(Lodash(), older with { Timestamp = newer.Timestamp!.Value.AddDays(1) }, newer).Status);
    }

    [Fact]
    public void An_image_product_applies_to_this_image_only_and_narrows_to_its_subcomponents()
    {
        var oci = $"pkg:oci/app@{Uri.EscapeDataString(Image)}?repository_url=registry.test/app";
        Assert.Equal(FindingStatus.Suppressed, ApplyOne(Lodash(), Statement("CVE-2024-1", VexStatus.NotAffected, oci)).Status);
        Assert.Equal(FindingStatus.Suppressed, ApplyOne(Lodash(), Statement("CVE-2024-1", VexStatus.NotAffected, Image, "pkg:npm/lodash")).Status);
        Assert.Equal(FindingStatus.Suppressed, ApplyOne(Lodash(), Statement("CVE-2024-1", VexStatus.NotAffected, "registry.test/app@" + Image)).Status);
        Assert.Equal(FindingStatus.Affected, ApplyOne(Lodash(), Statement("CVE-2024-1", VexStatus.NotAffected, Image, "pkg:npm/express")).Status);
        Assert.Equal(FindingStatus.Affected, ApplyOne(Lodash(), Statement("CVE-2024-1", VexStatus.NotAffected, OtherImage)).Status);
        Assert.Equal(FindingStatus.Affected, ApplyOne(Lodash(), Statement("CVE-2024-1", VexStatus.NotAffected, OtherImage, "pkg:npm/lodash")).Status);
    }

    [Fact]
    public void An_os_package_finding_is_matched_by_its_binary_or_its_source_package()
    {
        Assert.Equal(FindingStatus.Suppressed, ApplyOne(Libc6(), Statement("CVE-2024-9", VexStatus.NotAffected, "pkg:deb/debian/libc6")).Status);
        Assert.Equal(FindingStatus.Suppressed, ApplyOne(Libc6(), Statement("CVE-2024-9", VexStatus.NotAffected, "pkg:deb/debian/glibc@2.36-9%2Bdeb12u4")).Status);
        Assert.Equal(FindingStatus.Affected, ApplyOne(Libc6(), Statement("CVE-2024-9", VexStatus.NotAffected, "pkg:deb/debian/glibc@2.36-9")).Status);
    }

    [Fact]
    public void Suppressed_findings_are_kept_not_deleted()
    {
        var findings = VexApplier.Apply([Lodash(), Libc6()], Image, [Statement("CVE-2024-1", VexStatus.Fixed, "pkg:npm/lodash")]);

        Assert.Equal(2, findings.Count);
        Assert.Equal(("fixed", "fixed"), (findings[0].Suppression!.Status, findings[0].Suppression!.Justification));
        Assert.Null(findings[1].Suppression);
    }
}
