extern alias scanner;

using Gatehouse.Scanner.Advisories;
using Gatehouse.Scanner.Advisories.Severity;
using scanner::Gatehouse.Scanner.Vulnerabilities;

namespace Gatehouse.Policy.Tests.Inventory;

/// <summary>Vulnerability reports as the scanner commits them, for the where and impact scenarios.</summary>
internal static class ReportFixture
{
    /// <summary>An affected High finding in a Debian package, fixed in 3.0.14-1~deb12u1.</summary>
    public static Finding Finding(string id, string[] aliases, string package, string version, string purl) => new()
    {
        Id = id, Aliases = aliases, Records = [id], Package = new FindingPackage { Name = package, Version = version, Purl = purl, Ecosystem = "Debian:12" },
        InstalledVersion = version, FixedVersions = ["3.0.14-1~deb12u1"], FixState = FixState.Fixed,
        Severity = new SeverityRating(SeverityLevel.High, null, null, null, null), AdvisoryDataVersion = "osv-2", Status = FindingStatus.Affected,
    };

    public static VulnerabilityReport Report(string digest, string dataVersion, params Finding[] findings) => new()
    {
        Digest = digest, AdvisoryDataVersion = dataVersion, Trigger = "advisories", EvaluatedAt = DateTimeOffset.UtcNow,
        Summary = ReportSummary.Of(findings, [], 2), Findings = findings, UnevaluatedPackages = [], Locations = new Dictionary<string, IReadOnlyList<string>>(), Vex = [],
    };
}
