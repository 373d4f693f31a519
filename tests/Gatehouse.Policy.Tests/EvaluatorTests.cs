using Gatehouse.Contracts;
using Gatehouse.Contracts.Decisions;
using Gatehouse.Contracts.Messages;
using Gatehouse.Policy.Model;

namespace Gatehouse.Policy.Tests;

/// <summary>The pure evaluator, rule by rule: inputs in, decision and reasons out.</summary>
public sealed class EvaluatorTests
{
    private const string Digest = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    private const string GithubIssuer = "https://token.actions.githubusercontent.com";
    private const string ReleaseSubject = "https://github.com/acme/api/.github/workflows/release.yml@refs/tags/v1.0.0";
    private static readonly DateTimeOffset Now = PolicyYaml.Now;

    private static readonly FindingFact OpensslHigh = new("CVE-2023-5678", ["DSA-5532-1"], VulnerabilitySeverity.High, "openssl", "3.0.11-1~deb12u1", ["3.0.13-1~deb12u1"]);
    private static readonly FindingFact ZlibCritical = new("CVE-2023-45853", [], VulnerabilitySeverity.Critical, "zlib", "1:1.2.13.dfsg-1", []);
    private static readonly FindingFact CurlMedium = new("CVE-2024-0001", [], VulnerabilitySeverity.Medium, "curl", "7.88.1-10", ["7.88.1-10+deb12u5"]);

    private static ImageFacts Facts(
        VerifiedSigner[]? signers = null, FindingFact[]? findings = null, DateTimeOffset? scannedAt = null,
        string reference = "ghcr.io/acme/api@" + Digest, ImageLayer[]? layers = null, AnalysisFailure[]? failures = null) => new()
    {
        Digest = Digest,
        Reference = ImageReference.Parse(reference),
        Signatures = signers is null ? null : new SignatureFacts(signers, [], signers.Length, "trust-1", Now),
        Vulnerabilities = findings is null ? null : new VulnerabilityFacts(findings, "adv-1", scannedAt ?? Now.AddHours(-1), 0),
        Layers = layers,
        Failures = failures ?? [],
    };

    private static VerifiedSigner Keyless(string subject = ReleaseSubject, string issuer = GithubIssuer) => new("keyless", issuer, subject, null, "signature", Now);

    private static ImagePolicy Policy(string spec) => PolicyYaml.Single(spec);

    private static string Codes(PolicyDecision decision) => string.Join(",", decision.Reasons.Select(r => $"{r.Code}={r.Effect}"));

    private const string Registries = "registries: ['ghcr.io/acme/**']\nrequireDigest: true";

    [Theory]
    [InlineData("ghcr.io/acme/api@" + Digest, "allow", "registry-approved=allow")]
    [InlineData("ghcr.io/acme/team/api@" + Digest, "allow", "registry-approved=allow")]
    [InlineData("ghcr.io/evil/api@" + Digest, "deny", "registry-not-approved=deny")]
    [InlineData("ghcr.io/acme/api:1.0", "deny", "registry-approved=allow,digest-not-pinned=deny")]
    [InlineData("ghcr.io/evil/api:1.0", "deny", "registry-not-approved=deny,digest-not-pinned=deny")]
    public void Registry_and_pinning(string reference, string status, string codes)
    {
        var decision = ImagePolicyEvaluator.Evaluate(Policy(Registries), Facts(reference: reference), Now);
        Assert.Equal((status, codes), (decision.Status, Codes(decision)));
    }

    [Fact]
    public void Reasons_name_the_image_and_the_fix()
    {
        var decision = ImagePolicyEvaluator.Evaluate(Policy(Registries), Facts(reference: "ghcr.io/evil/api:1.0"), Now);
        Assert.Equal("ghcr.io/evil/api is not from an approved registry (approved: ghcr.io/acme/**)", decision.Reasons[0].Message);
        Assert.Equal($"ghcr.io/evil/api:1.0 is not pinned to a digest; use ghcr.io/evil/api@{Digest}", decision.Reasons[1].Message);
    }

    [Fact]
    public void Without_a_reference_the_names_the_digest_was_pushed_under_count()
    {
        var facts = Facts() with { Reference = null, KnownReferences = [ImageReference.Parse("docker.io/evil/x"), ImageReference.Parse("ghcr.io/acme/api:1")] };
        Assert.Equal("registry-approved=allow", Codes(ImagePolicyEvaluator.Evaluate(Policy(Registries), facts, Now)));
        Assert.Empty(ImagePolicyEvaluator.Evaluate(Policy(Registries), facts with { KnownReferences = [] }, Now).Reasons);
    }

    private static ImagePolicy SignaturePolicy(string match)
    {
        var spec = $$"""
            signatures:
              {{match}}:
                - name: release
                  keyless: {identityRegex: 'https://github\.com/acme/[a-z]+/\.github/workflows/release\.yml@refs/tags/v.*', issuer: '{{GithubIssuer}}'}
                - name: release-key
                  key:
                    publicKey: |
            {{TestKeys.Indented(TestKeys.ReleaseKeyPem, 10)}}
            """;
        return Policy(spec);
    }

    public static TheoryData<string, VerifiedSigner[], string> SignatureCases => new()
    {
        { "anyOf", [Keyless()], "signature-verified=allow" },
        { "anyOf", [new VerifiedSigner("key", null, null, TestKeys.ReleaseKeyId, "signature", Now)], "signature-verified=allow" },
        { "anyOf", [new VerifiedSigner("key", null, null, TestKeys.ReleaseKeyId["sha256:".Length..], "signature", Now)], "signature-verified=allow" },
        { "anyOf", [], "signature-missing=deny" },
        { "anyOf", [Keyless(issuer: "https://accounts.google.com")], "signature-untrusted=deny" },
        { "anyOf", [Keyless(subject: "https://evil.example/" + ReleaseSubject)], "signature-untrusted=deny" },
        { "anyOf", [Keyless(subject: "https://github.com/acme/api/.github/workflows/release.yml@refs/heads/main")], "signature-untrusted=deny" },
        { "anyOf", [Keyless() with { ArtifactKind = "attestation:https://slsa.dev/provenance/v1" }], "signature-missing=deny" },
        { "allOf", [Keyless()], "signature-authority-missing=deny" },
        { "allOf", [Keyless(), new VerifiedSigner("key", null, null, TestKeys.ReleaseKeyId, "signature", Now)], "signature-verified=allow" },
    };

    [Theory]
    [MemberData(nameof(SignatureCases))]
    public void Signature_authorities(string match, VerifiedSigner[] signers, string codes)
    {
        var decision = ImagePolicyEvaluator.Evaluate(SignaturePolicy(match), Facts(signers: signers), Now);
        Assert.Equal(codes, Codes(decision));
    }

    [Fact]
    public void An_untrusted_signer_is_named_with_what_was_expected()
    {
        var decision = ImagePolicyEvaluator.Evaluate(SignaturePolicy("anyOf"), Facts(signers: [Keyless(issuer: "https://accounts.google.com", subject: "mallory@example.com")]), Now);
        var message = Assert.Single(decision.Reasons).Message;
        Assert.StartsWith("signed by subject mallory@example.com from issuer https://accounts.google.com, which is not an accepted authority; expected release: subject matching /", message, StringComparison.Ordinal);
        Assert.EndsWith($"release-key: key {TestKeys.ReleaseKeyId}", message, StringComparison.Ordinal);
    }

    private const string Vulns = "vulnerabilities:\n  denySeverity: HIGH\n  maxScanAge: 7d";

    [Theory]
    [InlineData(Vulns, "deny", "vuln-critical=deny,vuln-high-fixable=deny")]
    [InlineData(Vulns + "\n  onlyFixable: true", "deny", "vuln-high-fixable=deny")]
    [InlineData("vulnerabilities: {denySeverity: CRITICAL, onlyFixable: true}", "allow", "vulnerabilities-acceptable=allow")]
    [InlineData("vulnerabilities: {denySeverity: MEDIUM}", "deny", "vuln-critical=deny,vuln-high-fixable=deny,vuln-medium-fixable=deny")]
    [InlineData("vulnerabilities: {maxScanAge: 1d}", "allow", "")]
    public void Vulnerability_thresholds(string spec, string status, string codes)
    {
        var decision = ImagePolicyEvaluator.Evaluate(Policy(spec), Facts(findings: [CurlMedium, OpensslHigh, ZlibCritical]), Now);
        Assert.Equal((status, codes), (decision.Status, Codes(decision)));
    }

    [Fact]
    public void A_finding_reads_as_a_developer_expects()
    {
        var decision = ImagePolicyEvaluator.Evaluate(Policy(Vulns), Facts(findings: [OpensslHigh, ZlibCritical]), Now);
        Assert.Equal("CVE-2023-45853 (Critical, no fix available) in zlib 1:1.2.13.dfsg-1", decision.Reasons[0].Message);
        Assert.Equal("CVE-2023-5678 (High, fixed in 3.0.13-1~deb12u1) in openssl 3.0.11-1~deb12u1", decision.Reasons[1].Message);
        Assert.Equal("vuln-high-fixable: CVE-2023-5678 (High, fixed in 3.0.13-1~deb12u1) in openssl 3.0.11-1~deb12u1", decision.ReasonLines[1]);
    }

    [Theory]
    [InlineData("CVE-2023-5678", "2026-07-01", "allow", "vuln-allowed=allow")]
    [InlineData("DSA-5532-1", "2026-07-01", "allow", "vuln-allowed=allow")]
    [InlineData("CVE-2023-5678", "2026-05-01", "deny", "vuln-exception-expired=deny")]
    [InlineData("CVE-2099-0001", "2026-07-01", "deny", "vuln-high-fixable=deny")]
    public void Allow_list_entries_apply_until_they_expire(string id, string expires, string status, string codes)
    {
        var spec = $"{Vulns}\n  allow:\n    - {{id: {id}, expires: '{expires}', reason: backport verified}}";
        var yaml = PolicyYaml.Minimal(spec);
        var policy = Assert.Single(ImagePolicyLoader.LoadText(yaml, "t", new PolicyLoadOptions(Now, ExpiredExceptionsAreErrors: false)).Policies);

        var decision = ImagePolicyEvaluator.Evaluate(policy, Facts(findings: [OpensslHigh]), Now);

        Assert.Equal((status, codes), (decision.Status, Codes(decision).Replace(",vulnerabilities-acceptable=allow", "", StringComparison.Ordinal)));
    }

    [Fact]
    public void An_applied_allow_list_entry_bounds_how_long_the_decision_holds()
    {
        var policy = Policy($"{Vulns}\n  allow:\n    - {{id: CVE-2023-5678, expires: '2026-06-03', reason: backport verified}}");
        var decision = ImagePolicyEvaluator.Evaluate(policy, Facts(findings: [OpensslHigh], scannedAt: Now.AddHours(-1)), Now);

        Assert.Equal(new DateTimeOffset(2026, 6, 4, 0, 0, 0, TimeSpan.Zero), decision.ValidUntil);
        Assert.Contains("allowed until the end of 2026-06-03 (\"backport verified\")", decision.Reasons[0].Message, StringComparison.Ordinal);
        Assert.Equal(Now.AddHours(-1).AddDays(7), ImagePolicyEvaluator.Evaluate(Policy(Vulns), Facts(findings: [], scannedAt: Now.AddHours(-1)), Now).ValidUntil);
    }

    [Fact]
    public void A_scan_older_than_the_maximum_age_denies()
    {
        var decision = ImagePolicyEvaluator.Evaluate(Policy(Vulns), Facts(findings: [], scannedAt: Now.AddDays(-8)), Now);
        Assert.Equal("scan-too-old=deny,vulnerabilities-acceptable=allow", Codes(decision));
        Assert.Equal("the vulnerability scan is 8d old (maximum 7d); the image must be rescanned", decision.Reasons[0].Message);
    }

    [Fact]
    public void Many_findings_are_summarised_after_the_first_ten()
    {
        var findings = Enumerable.Range(1, 14).Select(i => OpensslHigh with { Id = $"CVE-2024-{i:D4}", Aliases = [] }).ToArray();
        var decision = ImagePolicyEvaluator.Evaluate(Policy(Vulns), Facts(findings: findings), Now);

        Assert.Equal(11, decision.Reasons.Count);
        Assert.Equal("and 4 more findings at or above High", decision.Reasons[^1].Message);
    }

    private const string BaseLayer = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
    private const string AppLayer = "sha256:3333333333333333333333333333333333333333333333333333333333333333";

    [Theory]
    [InlineData("report", new[] { BaseLayer, AppLayer }, "base-image-approved=allow")]
    [InlineData("report", new[] { AppLayer, BaseLayer }, "base-image-drift=warn")]
    [InlineData("deny", new[] { AppLayer }, "base-image-drift=deny")]
    public void Base_image_drift(string drift, string[] layers, string codes)
    {
        var policy = Policy($"baseImages:\n  approved: [{{name: debian-12, layers: ['{BaseLayer}']}}]\n  drift: {drift}");
        var decision = ImagePolicyEvaluator.Evaluate(policy, Facts(layers: [.. layers.Select(l => new ImageLayer(l, null))]), Now);
        Assert.Equal(codes, Codes(decision));
    }

    [Fact]
    public void A_base_layer_matches_by_diff_id_too()
    {
        var policy = Policy($"baseImages:\n  approved: [{{name: debian-12, layers: ['{BaseLayer}']}}]");
        var decision = ImagePolicyEvaluator.Evaluate(policy, Facts(layers: [new ImageLayer(AppLayer, BaseLayer)]), Now);
        Assert.Equal("built on the approved base image debian-12", Assert.Single(decision.Reasons).Message);
    }

    private const string AllRules = $"{Vulns}\nbaseImages: {{approved: [{{name: b, layers: ['{BaseLayer}']}}]}}\nsignatures:\n  anyOf: [{{keyless: {{identity: a@b.c, issuer: 'https://accounts.google.com'}}}}]";

    [Theory]
    [InlineData("deny-and-scan", "deny", "signatures-unknown=deny,vulnerabilities-unknown=deny,manifest-unknown=deny")]
    [InlineData("allow-with-warning", "warn", "signatures-unknown=warn,vulnerabilities-unknown=warn,manifest-unknown=warn")]
    public void Facets_not_analysed_yet_follow_the_unknown_image_behaviour(string unknownImages, string status, string codes)
    {
        var decision = ImagePolicyEvaluator.Evaluate(Policy($"{AllRules}\nunknownImages: {unknownImages}"), Facts(), Now);
        Assert.Equal((status, codes), (decision.Status, Codes(decision)));
        Assert.Equal(["signatures", "vulnerabilities", "manifest"], decision.UnknownFacets);
        Assert.EndsWith(unknownImages == "deny-and-scan" ? "not yet analysed, scan requested" : "allowed with a warning until it is analysed", decision.Reasons[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_permanent_analysis_failure_denies_even_when_unknown_images_are_allowed()
    {
        var failures = new[] { new AnalysisFailure("sbom", "layer 3 is not a tar archive", false, Now), new AnalysisFailure("signatures", "registry timed out", true, Now) };
        var decision = ImagePolicyEvaluator.Evaluate(Policy($"{AllRules}\nunknownImages: allow-with-warning"), Facts(failures: failures, layers: [new ImageLayer(BaseLayer, null)]), Now);

        Assert.Equal("deny", decision.Status);
        Assert.Equal("signatures-unknown=warn,analysis-failed=deny,base-image-approved=allow", Codes(decision));
        Assert.Equal("signatures have not been verified yet (last attempt failed: registry timed out); allowed with a warning until it is analysed", decision.Reasons[0].Message);
        Assert.Equal("the image's sbom could not be analysed: layer 3 is not a tar archive", decision.Reasons[1].Message);
    }

    [Theory]
    [InlineData("enforce", "deny", "vuln-critical=deny,vuln-high-fixable=deny")]
    [InlineData("warn", "warn", "vuln-critical=warn,vuln-high-fixable=warn,mode-warn=warn")]
    [InlineData("audit", "allow", "vuln-critical=allow,vuln-high-fixable=allow,mode-audit=allow")]
    public void Mode_turns_denies_into_warnings_or_audit_records(string mode, string status, string codes)
    {
        var decision = ImagePolicyEvaluator.Evaluate(Policy($"{Vulns}\nmode: {mode}"), Facts(findings: [OpensslHigh, ZlibCritical]), Now);
        Assert.Equal((status, codes), (decision.Status, Codes(decision)));
        if (mode == "audit") Assert.StartsWith("(audit, would deny) CVE-2023-45853", decision.Reasons[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Admission_local_checks_use_the_same_rules()
    {
        var reasons = ImagePolicyEvaluator.CheckReference(Policy(Registries + "\nmode: warn"), ImageReference.Parse("quay.io/x/y:1"));
        Assert.Equal(["registry-not-approved", "digest-not-pinned"], reasons.Select(r => r.Code));
        Assert.Equal(DecisionStatus.Warn, ImagePolicyEvaluator.StatusOf(ImagePolicyEvaluator.ApplyMode(PolicyMode.Warn, reasons)));
    }
}
