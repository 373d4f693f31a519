using Gatehouse.Scanner.CycloneDx;

namespace Gatehouse.Scanner.Tests.Vulnerabilities;

/// <summary>
/// A hand-made Debian 12 image with an npm app, and OSV records written for it, with the findings they must give:
/// openssl (two binaries) critical and fixed; glibc high without a fix, plus a backported fix that must not be
/// reported; zlib with no severity; lodash low and fixed; an unparseable npm version (not evaluated); a Debian
/// package without a distro release (not evaluated); a Debian 11 record that must not match; a generic component.
/// </summary>
internal static class SampleImage
{
    public static readonly string[] Records =
    [
        OsvJson.Record("CVE-2024-0001", "Debian:12", "openssl", fixedIn: "3.0.13-1~deb12u1", cvss: OsvJson.Critical),
        OsvJson.Record("DSA-5500-1", "Debian:12", "glibc", fixedIn: "2.36-9+deb12u3", cvss: OsvJson.High, aliases: ["CVE-2023-0002"]),
        OsvJson.Record("CVE-2024-0003", "Debian:12", "glibc", cvss: OsvJson.High),
        OsvJson.Record("CVE-2024-0004", "Debian:11", "openssl", fixedIn: "9.9.9-1", cvss: OsvJson.Medium),
        OsvJson.Record("CVE-2024-0005", "Debian:12", "zlib"),
        OsvJson.Record("GHSA-aaaa-bbbb-cccc", "npm", "lodash", fixedIn: "4.17.21", cvss: OsvJson.Low, aliases: ["CVE-2024-0006"], rangeType: "SEMVER"),
        OsvJson.Record("GHSA-dddd-eeee-ffff", "npm", "left-pad", fixedIn: "1.3.0", cvss: OsvJson.High, rangeType: "SEMVER"),
    ];

    public static Bom Bom(string digest) => TestSboms.Bom(digest,
        TestSboms.Deb("libssl3", "3.0.11-1~deb12u2", "openssl"),
        TestSboms.Deb("openssl", "3.0.11-1~deb12u2", "openssl"),
        TestSboms.Deb("libc6", "2.36-9+deb12u4", "glibc"),
        TestSboms.Deb("zlib1g", "1:1.2.13.dfsg-1", "zlib"),
        TestSboms.Deb("mystery", "1.0-1", "mystery", distro: null),
        TestSboms.Npm("lodash", "4.17.20"),
        TestSboms.Npm("left-pad", "latest-build"),
        TestSboms.Generic("firmware-blob", "7"));

    // critical: CVE-2024-0001 x2 (libssl3, openssl), fixable; high: CVE-2024-0003 (libc6), no fix;
    // low: CVE-2024-0006 (lodash), fixable; unknown: CVE-2024-0005 (zlib1g);
    // not evaluated: GHSA-dddd-eeee-ffff on left-pad, plus "mystery" without a release.
    public const int Critical = 2, High = 1, Medium = 0, Low = 1, Unknown = 1, FixableCritical = 2, FixableHigh = 0, NotEvaluated = 2;
}
