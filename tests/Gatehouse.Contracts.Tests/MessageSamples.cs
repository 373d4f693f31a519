using Gatehouse.Contracts.Messages;

namespace Gatehouse.Contracts.Tests;

/// <summary>One representative instance per message type; the golden files are these, serialized.</summary>
internal static class MessageSamples
{
    private const string Digest = "sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b";
    private static readonly DateTimeOffset At = new(2026, 11, 27, 15, 47, 0, TimeSpan.Zero);

    public static IReadOnlyDictionary<Type, object> ByType { get; } = new Dictionary<Type, object>
    {
        [typeof(ImagePushed)] = new ImagePushed("127.0.0.1:5000", "demo/debian", "12", Digest,
            "application/vnd.oci.image.manifest.v1+json", At, "distribution", "0e1f2a3b-4c5d-6e7f-8091-a2b3c4d5e6f7"),
        [typeof(SbomGenerated)] = new SbomGenerated("127.0.0.1:5000", "demo/debian", Digest,
            "127.0.0.1:5000/demo/debian@sha256:1111111111111111111111111111111111111111111111111111111111111111",
            "2222222222222222222222222222222222222222222222222222222222222222", 88, "catalogers-1", At),
        [typeof(VulnerabilitiesFound)] = new VulnerabilitiesFound(Digest, "gh:vuln:report", 1, 2, 3, 4, 0, 1, 2, 1,
            "osv-3333", "sbom", At),
        [typeof(SignaturesVerified)] = new SignaturesVerified(Digest,
            [new VerifiedSigner("keyless", "https://token.actions.githubusercontent.com",
                "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main", null, "signature", At)],
            [new SignatureFailure("sha256-6c3c.sig", "identity-mismatch", "certificate identity is not trusted")],
            2, "root-4444", At, "127.0.0.1:5000", "demo/debian"),
        [typeof(ImageAnalysisFailed)] = new ImageAnalysisFailed(Digest, "sbom",
            "layer 2 exceeds the uncompressed size limit of 4 GiB", false, At),
        [typeof(ImageDecided)] = new ImageDecided(Digest, "prod", "deny",
            ["vuln-critical-fixable: CVE-2023-5678 (Critical, fixed in 3.0.13-1~deb12u1) in openssl 3.0.11-1~deb12u1"], 7, At),
        [typeof(AdvisoriesUpdated)] = new AdvisoriesUpdated("osv", "osv-5555", ["pkg:deb/debian/openssl"], 1, At),
        [typeof(ScanRequested)] = new ScanRequested("127.0.0.1:5000/demo/debian@" + Digest, "admission: unknown digest", At),
        [typeof(BreakGlassUsed)] = new BreakGlassUsed("payments", "Deployment/api", Digest, "alice@example.com", "INC-1234",
            At.AddHours(4), "prod", "hotfix for an outage", "127.0.0.1:5000/payments/api:1.4", "critical CVE-2024-0001 has a fix", At),
        [typeof(SignImage)] = new SignImage("127.0.0.1:5000", "demo/debian", Digest, "prod", new string('a', 64),
            "gh:vuln:" + Digest + ":report:" + new string('b', 16), "sha256:" + new string('c', 64), At),
        [typeof(WorkloadAdmitted)] = new WorkloadAdmitted("payments", "Deployment", "api", "Pod/api-7d9c8f6b5-x2x4q",
            [new AdmittedContainer("api", "127.0.0.1:5000/payments/api:1.4", Digest)], ["prod"], At),
        [typeof(RunningImageDenied)] = new RunningImageDenied(Digest, "prod", "allow",
            ["critical-cve-with-fix: CVE-2024-0001 in openssl 3.0.11-1~deb12u2 (fixed in 3.0.13-1~deb12u1)"], ["CVE-2024-0001"],
            [new RunningWorkload("payments", "Deployment", "api", "api-7d9c8f6b5-x2x4q", "api", "watch")], At),
    };
}
