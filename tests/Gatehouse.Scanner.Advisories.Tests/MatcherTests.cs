using Gatehouse.Scanner.Advisories.Matching;
using Gatehouse.Scanner.Advisories.Osv;
using static Gatehouse.Scanner.Advisories.Tests.TestRecords;

namespace Gatehouse.Scanner.Advisories.Tests;

public sealed class MatcherTests
{
    private static readonly OsvRecord OpensslDebian12 = Record("DEBIAN-CVE-2023-5678",
        Affected("Debian:12", "openssl", Introduced("0"), Fixed("3.0.11-1~deb12u2"))) with { Aliases = ["CVE-2023-5678"] };

    [Fact]
    public void A_backported_fix_in_the_source_package_is_not_reported()
    {
        AdvisoryMatcher matcher = Matcher(OpensslDebian12);

        // libssl3 is built from openssl; the installed source version already carries the fix.
        Assert.Empty(matcher.Match(Package("Debian:12", "libssl3", "3.0.11-1~deb12u2", sourceName: "openssl")));
        Assert.Empty(matcher.Match(Package("Debian:12", "libssl3", "3.0.13-1~deb12u1", sourceName: "openssl")));

        Finding finding = Assert.Single(matcher.Match(Package("Debian:12", "libssl3", "3.0.11-1~deb12u1", sourceName: "openssl")));
        Assert.Equal("CVE-2023-5678", finding.Id);
        Assert.Equal(["DEBIAN-CVE-2023-5678"], finding.Aliases);
        Assert.Equal("libssl3", finding.Package.Name);
        Assert.Equal("openssl", finding.Package.SourceName);
        Assert.Equal(["3.0.11-1~deb12u2"], finding.FixedVersions);
    }

    [Fact]
    public void Os_packages_are_matched_by_source_name_and_source_version_in_their_own_release()
    {
        AdvisoryMatcher matcher = Matcher(OpensslDebian12);

        // The binary name alone finds nothing: Debian files advisories under source packages.
        Assert.Empty(matcher.Match(Package("Debian:12", "libssl3", "3.0.9-1")));

        // A binNMU binary version (+b1) is compared as its source version.
        Finding binNmu = Assert.Single(matcher.Match(Package("Debian:12", "libssl3", "3.0.11-1~deb12u2+b1", sourceName: "openssl", sourceVersion: "3.0.11-1~deb12u1")));
        Assert.Equal("3.0.11-1~deb12u1", binNmu.InstalledVersion);

        // Point releases share their release's records; other releases do not.
        Assert.Single(matcher.Match(Package("Debian:12.5", "openssl", "3.0.9-1")));
        Assert.Empty(matcher.Match(Package("Debian:11", "openssl", "3.0.9-1")));
    }

    [Fact]
    public void Records_that_alias_each_other_become_one_finding_listing_every_id()
    {
        OsvRecord ghsa = Record("GHSA-aaaa-bbbb-cccc", Affected("PyPI", "requests", Introduced("2.3.0"), Fixed("2.31.0"))) with { Aliases = ["CVE-2023-32681"] };
        OsvRecord pysec = Record("PYSEC-2023-74", Affected("PyPI", "requests", Introduced("2.3.0"), Fixed("2.31.0"))) with { Aliases = ["CVE-2023-32681", "GHSA-aaaa-bbbb-cccc"] };
        // Linked only transitively: shares an alias with nothing but GHSA's own id.
        OsvRecord osv = Record("OSV-2023-1", Affected("PyPI", "requests", Introduced("2.0.0"), Fixed("2.30.1"))) with { Aliases = ["GHSA-aaaa-bbbb-cccc"] };
        OsvRecord unrelated = Record("GHSA-zzzz-yyyy-xxxx", Affected("PyPI", "requests", Introduced("0"), Fixed("2.32.0")));

        IReadOnlyList<Finding> findings = Matcher(ghsa, pysec, osv, unrelated).Match(Package("PyPI", "requests", "2.28.0"));

        Assert.Equal(2, findings.Count);
        Finding merged = Assert.Single(findings, f => f.Id == "CVE-2023-32681");
        Assert.Equal(["GHSA-aaaa-bbbb-cccc", "OSV-2023-1", "PYSEC-2023-74"], merged.Aliases);
        Assert.Equal(["GHSA-aaaa-bbbb-cccc", "OSV-2023-1", "PYSEC-2023-74"], merged.Records);
        Assert.Equal(["2.30.1", "2.31.0"], merged.FixedVersions);
        Assert.Equal("GHSA-zzzz-yyyy-xxxx", Assert.Single(findings, f => f.Id != "CVE-2023-32681").Id);
    }

    [Fact]
    public void Withdrawn_records_are_ignored()
    {
        OsvRecord withdrawn = Record("GHSA-wwww-wwww-wwww", Affected("npm", "left-pad", Introduced("0"))) with { Withdrawn = "2024-02-01T00:00:00Z" };
        AdvisorySnapshot snapshot = AdvisorySnapshot.Create([withdrawn], "v");

        Assert.Equal(0, snapshot.RecordCount);
        Assert.Empty(new AdvisoryMatcher(snapshot).Match(Package("npm", "left-pad", "1.0.0")));
    }

    [Fact]
    public void An_unparseable_installed_version_is_reported_as_not_evaluated_with_the_reason()
    {
        AdvisoryMatcher matcher = Matcher(OpensslDebian12);

        Finding finding = Assert.Single(matcher.Match(Package("Debian:12", "openssl", "not a version!")));

        Assert.Equal(FindingStatus.NotEvaluated, finding.Status);
        Assert.Equal("CVE-2023-5678", finding.Id);
        Assert.Contains("installed version 'not a version!' is not a valid dpkg version", finding.Reason, StringComparison.Ordinal);
        Assert.Equal(FixState.Unknown, finding.FixState);
    }

    [Fact]
    public void An_unparseable_advisory_version_or_unknown_ordering_is_reported_as_not_evaluated()
    {
        OsvRecord badEvent = Record("DEBIAN-CVE-2024-0001", Affected("Debian:12", "curl", Introduced("0"), Fixed("7.88.1-10+deb12u5"), Fixed("::bad::")));
        OsvRecord noScheme = Record("EEF-CVE-2024-0001", Affected("Hex", "plug", Introduced("0"), Fixed("1.15.3")));

        Finding curl = Assert.Single(Matcher(badEvent).Match(Package("Debian:12", "curl", "7.88.1-10")));
        Assert.Equal(FindingStatus.NotEvaluated, curl.Status);
        Assert.Contains("fixed '::bad::' is not a valid dpkg version", curl.Reason, StringComparison.Ordinal);

        Finding plug = Assert.Single(Matcher(noScheme).Match(Package("Hex", "plug", "1.14.0")));
        Assert.Equal(FindingStatus.NotEvaluated, plug.Status);
        Assert.Contains("no version ordering is known for ecosystem 'Hex'", plug.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Affected_beats_not_evaluated_within_a_merged_finding()
    {
        OsvRecord good = Record("GHSA-good-good-good", Affected("npm", "lodash", Introduced("0"), Fixed("4.17.21"))) with { Aliases = ["CVE-2021-23337"] };
        OsvRecord bad = Record("OSV-2021-9", Affected("npm", "lodash", Introduced("0"), Fixed("not.semver!"))) with { Aliases = ["CVE-2021-23337"] };

        Finding finding = Assert.Single(Matcher(good, bad).Match(Package("npm", "lodash", "4.17.20")));

        Assert.Equal(FindingStatus.Affected, finding.Status);
        Assert.Equal(["4.17.21"], finding.FixedVersions);
        Assert.Null(finding.Reason);
    }

    [Fact]
    public void Events_are_evaluated_in_version_order_whatever_order_the_record_lists_them()
    {
        OsvRecord record = Record("GHSA-sort-sort-sort", Affected("npm", "pkg", Fixed("2.0.0"), Introduced("3.0.0"), Fixed("4.0.0"), Introduced("1.0.0")));
        AdvisoryMatcher matcher = Matcher(record);

        Assert.Empty(matcher.Match(Package("npm", "pkg", "0.9.0")));
        Assert.Equal(["2.0.0"], Assert.Single(matcher.Match(Package("npm", "pkg", "1.5.0"))).FixedVersions);
        Assert.Empty(matcher.Match(Package("npm", "pkg", "2.5.0")));
        Assert.Equal(["4.0.0"], Assert.Single(matcher.Match(Package("npm", "pkg", "3.0.0"))).FixedVersions);
        Assert.Empty(matcher.Match(Package("npm", "pkg", "4.0.0")));
    }

    [Fact]
    public void Last_affected_and_limit_follow_the_osv_specification()
    {
        AdvisoryMatcher lastAffected = Matcher(Record("GHSA-last-last-last", Affected("Maven", "org.example:lib", Introduced("1.0"), LastAffected("1.4"))));
        Finding ceiling = Assert.Single(lastAffected.Match(Package("Maven", "org.example:lib", "1.4")));
        Assert.Equal(FixState.Unknown, ceiling.FixState);
        Assert.Empty(ceiling.FixedVersions);
        Assert.Empty(lastAffected.Match(Package("Maven", "org.example:lib", "1.4.1")));

        AdvisoryMatcher limited = Matcher(Record("GHSA-limi-limi-limi", Affected("npm", "lim", Introduced("1.0.0"), Limit("2.0.0"))));
        Assert.Equal(FixState.NotFixed, Assert.Single(limited.Match(Package("npm", "lim", "1.9.9"))).FixState);
        Assert.Empty(limited.Match(Package("npm", "lim", "2.0.0")));

        AdvisoryMatcher unbounded = Matcher(Record("GHSA-star-star-star", Affected("npm", "lim", Introduced("1.0.0"), Limit("*"))));
        Assert.Single(unbounded.Match(Package("npm", "lim", "99.0.0")));
    }

    [Fact]
    public void An_explicit_versions_list_matches_by_text_and_by_version_equality()
    {
        OsvRecord listed = new()
        {
            Id = "MAL-2024-0001",
            Modified = "2024-01-01T00:00:00Z",
            Affected = [new OsvAffected { Package = new OsvPackage { Ecosystem = "PyPI", Name = "evil" }, Versions = ["1.0", "2.0.-1"] }],
        };
        AdvisoryMatcher matcher = Matcher(listed);

        Assert.Single(matcher.Match(Package("PyPI", "evil", "1.0.0"))); // PEP 440: 1.0 == 1.0.0
        Assert.Single(matcher.Match(Package("PyPI", "evil", "2.0.-1"))); // listed text, though not PEP 440
        Assert.Empty(matcher.Match(Package("PyPI", "evil", "1.1")));
    }

    [Fact]
    public void Fixed_versions_are_ordered_by_the_ecosystem_scheme_and_fix_state_is_stated()
    {
        OsvRecord record = Record("GHSA-fixs-fixs-fixs",
            Affected("npm", "multi", Introduced("0"), Fixed("10.0.0")),
            Affected("npm", "multi", Introduced("0"), Fixed("9.0.1")));
        Finding finding = Assert.Single(Matcher(record).Match(Package("npm", "multi", "8.0.0")));

        Assert.Equal(["9.0.1", "10.0.0"], finding.FixedVersions);
        Assert.Equal(FixState.Fixed, finding.FixState);

        Finding open = Assert.Single(Matcher(Record("GHSA-open-open-open", Affected("npm", "open", Introduced("0")))).Match(Package("npm", "open", "1.0.0")));
        Assert.Equal(FixState.NotFixed, open.FixState);
    }

    [Theory]
    [InlineData("PyPI", "Products.PluggableAuthService", "2.6.0", "GHSA-p44j-xrqg-4xrr.json")]
    [InlineData("PyPI", "products__pluggableauthservice", "2.6.0", "GHSA-p44j-xrqg-4xrr.json")]
    [InlineData("NuGet", "microsoft.netcore.app.runtime.LINUX-ARM", "9.0.5", "GHSA-266m-wp2v-x7mq.json")]
    [InlineData("npm", "Formidable", "3.5.2", "GHSA-75v8-2h7p-7m2m.json")]
    [InlineData("crates.io", "Sized-Chunks", "0.6.2", "GHSA-mp6f-p9gp-vpj9.json")]
    public void Package_names_are_compared_after_each_ecosystems_normalization(string ecosystem, string name, string version, string file)
    {
        Assert.Single(Matcher(Load(file)).Match(Package(ecosystem, name, version)));
    }

    [Fact]
    public void Go_module_paths_and_maven_coordinates_are_case_sensitive()
    {
        Assert.Empty(Matcher(Load("GO-2020-0001.json")).Match(Package("Go", "github.com/Gin-Gonic/gin", "1.5.0")));
        Assert.Single(Matcher(Load("GO-2020-0001.json")).Match(Package("Go", "github.com/gin-gonic/gin", "v1.5.0")));
        Assert.Single(Matcher(Load("GHSA-xx65-cc7g-9pfp.json")).Match(Package("Maven", "org.springframework.boot/spring-boot", "1.5.9")));
    }

    [Fact]
    public void Package_queries_are_built_from_scanner_purls()
    {
        Assert.True(PackageQuery.TryFromPurl("pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12.5&upstream=openssl", out PackageQuery? deb, out string? error), error);
        Assert.Equal(("Debian:12", "libssl3", "3.0.11-1~deb12u2", "openssl"), (deb.Ecosystem, deb.Name, deb.Version, deb.SourceName));
        Assert.Equal("pkg:deb/debian/openssl", deb.Identity());

        Assert.True(PackageQuery.TryFromPurl("pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&distro=alpine-3.19.1", out PackageQuery? apk, out _, sourceName: "openssl"));
        Assert.Equal(("Alpine:v3.19", "openssl"), (apk.Ecosystem, apk.SourceName));
        Assert.Equal("pkg:apk/alpine/openssl", apk.Identity());

        Assert.True(PackageQuery.TryFromPurl("pkg:rpm/rocky/openssl-libs@3.0.7-25.el9_3?arch=x86_64&epoch=1&distro=rocky-9.3", out PackageQuery? rpm, out _));
        Assert.Equal(("Rocky Linux:9", "1:3.0.7-25.el9_3"), (rpm.Ecosystem, rpm.Version));

        Assert.True(PackageQuery.TryFromPurl("pkg:npm/%40babel/core@7.23.0", out PackageQuery? npm, out _));
        Assert.Equal(("npm", "@babel/core"), (npm.Ecosystem, npm.Name));
        Assert.Equal("pkg:npm/%40babel/core", npm.Identity());

        Assert.True(PackageQuery.TryFromPurl("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", out PackageQuery? maven, out _));
        Assert.Equal(("Maven", "org.apache.logging.log4j:log4j-core"), (maven.Ecosystem, maven.Name));

        Assert.True(PackageQuery.TryFromPurl("pkg:golang/github.com/gin-gonic/gin@v1.5.0", out PackageQuery? go, out _));
        Assert.Equal(("Go", "github.com/gin-gonic/gin"), (go.Ecosystem, go.Name));
        Assert.Single(Matcher(Load("GO-2020-0001.json")).Match(go));

        Assert.False(PackageQuery.TryFromPurl("pkg:npm/nover", out _, out error));
        Assert.Contains("has no version", error, StringComparison.Ordinal);
        Assert.False(PackageQuery.TryFromPurl("pkg:unknowntype/x@1", out _, out error));
        Assert.Contains("no OSV ecosystem", error, StringComparison.Ordinal);
    }
}
