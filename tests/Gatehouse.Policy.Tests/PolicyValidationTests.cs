using Gatehouse.Policy.Model;

namespace Gatehouse.Policy.Tests;

/// <summary>Every validation error, with the message a policy author sees.</summary>
public sealed class PolicyValidationTests
{
    [Theory]
    [InlineData("mod: enforce", "test.yaml:7: spec.mod: unknown field (did you mean 'mode'?)")]
    [InlineData("colour: blue", "spec.colour: unknown field (known: profile, namespaceSelector, mode,")]
    [InlineData("mode: enforced", "spec.mode: must be one of enforce, warn, audit (was 'enforced')")]
    [InlineData("requireDigest: yes", "spec.requireDigest: must be true or false (was 'yes')")]
    [InlineData("unknownImages: deny", "spec.unknownImages: must be one of deny-and-scan, allow-with-warning (was 'deny')")]
    [InlineData("failureMode: open", "spec.failureMode: must be one of deny, allow (was 'open')")]
    [InlineData("registries: []", "spec.registries: must not be empty (omit the field instead)")]
    [InlineData("registries: [ghcr.io]", "spec.registries[0]: registry pattern 'ghcr.io' has no repository part; write e.g. 'ghcr.io/**'")]
    [InlineData("registries: ['ghcr.io/acme/***']", "has '***'; use '*' (one component) or '**' (any depth)")]
    [InlineData("registries: ['ghcr.io/acme**']", "uses '**' inside the component 'acme**'")]
    [InlineData("registries: ['ghcr.io/acme/app:1.0']", "registry pattern 'ghcr.io/acme/app:1.0' names a tag")]
    [InlineData("registries: ['ghcr.io/acme/app@sha256:00']", "names a digest")]
    [InlineData("registries: ['GHCR.io/acme/*']", "contains 'G' (allowed: lowercase letters")]
    [InlineData("registries: ['ghcr.io//app']", "has an empty path component")]
    [InlineData("vulnerabilities: {maxScanAge: 7 days}", "spec.vulnerabilities.maxScanAge: '7 days' is not a duration (examples: 90s, 15m, 24h, 7d, 1h30m)")]
    [InlineData("vulnerabilities: {maxScanAge: 2w}", "'2w' has the unit 'w' (use ms, s, m, h or d)")]
    [InlineData("vulnerabilities: {maxScanAge: 0s}", "duration '0s' must be positive")]
    [InlineData("vulnerabilities: {denySeverity: SEVERE}", "spec.vulnerabilities.denySeverity: must be one of CRITICAL, HIGH, MEDIUM, LOW (was 'SEVERE')")]
    [InlineData("vulnerabilities: {denySeverty: HIGH}", "spec.vulnerabilities.denySeverty: unknown field (did you mean 'denySeverity'?)")]
    [InlineData("breakGlass: {maxDuration: 1h}", "spec.breakGlass.allowedGroups: must name at least one group (or allowedUsers); omit breakGlass to disable it")]
    [InlineData("breakGlass: {allowedGroups: [sre], maxDuration: 30d}", "spec.breakGlass.maxDuration: must be at most 7d (was 30d)")]
    [InlineData("breakGlass: {allowedGroups: [sre]}", "spec.breakGlass.maxDuration: is required")]
    [InlineData("baseImages: {approved: [{name: debian, layers: [sha256:abc]}]}", "spec.baseImages.approved[0].layers[0]:")]
    [InlineData("baseImages: {approved: []}", "spec.baseImages.approved: must not be empty")]
    [InlineData("baseImages: {approved: [{name: d, layers: [sha256:0000000000000000000000000000000000000000000000000000000000000000]}], drift: warn}", "spec.baseImages.drift: must be one of report, deny (was 'warn')")]
    [InlineData("namespaceSelector: {matchExpressions: [{key: team, operator: In}]}", "matchExpressions[0].values: must list at least one value for In and NotIn")]
    [InlineData("namespaceSelector: {matchExpressions: [{key: team, operator: Exists, values: [a]}]}", "must be empty for Exists and DoesNotExist")]
    [InlineData("namespaceSelector: {matchExpressions: [{key: team, operator: Is, values: [a]}]}", "operator: must be one of In, NotIn, Exists, DoesNotExist (was 'Is')")]
    [InlineData("namespaceSelector: {matchLabels: {'bad key!': x}}", "'bad key!' is not a valid label key")]
    [InlineData("namespaceSelector: {matchLabels: {prod: true}}", "spec.namespaceSelector.matchLabels.prod: must be a string (was the boolean true; quote values")]
    public void Spec_errors_name_the_field_and_the_fix(string spec, string expected) =>
        Assert.Contains(expected, PolicyYaml.Error(spec), StringComparison.Ordinal);

    [Theory]
    [InlineData("{keyless: {identityRegex: '(', issuer: 'https://accounts.google.com'}}", "anyOf[0].keyless.identityRegex: '(' is not a valid regular expression")]
    [InlineData(@"{keyless: {identityRegex: '(a)\1', issuer: 'https://accounts.google.com'}}", "uses a construct without a linear-time match")]
    [InlineData("{keyless: {identity: '', issuer: 'https://accounts.google.com'}}", "anyOf[0].keyless.identity: must not be empty")]
    [InlineData("{keyless: {issuer: 'https://accounts.google.com'}}", "anyOf[0].keyless.identity: is required: set identity (exact) or identityRegex")]
    [InlineData("{keyless: {identity: a@b.c, identityRegex: '.*', issuer: 'https://accounts.google.com'}}", "set either identity or identityRegex, not both")]
    [InlineData("{keyless: {identity: a@b.c}}", "anyOf[0].keyless.issuer: is required: set issuer (exact) or issuerRegex")]
    [InlineData("{keyless: {identity: a@b.c, issuer: google}}", "'google' is not an OIDC issuer URL")]
    [InlineData("{keyless: {identity: a@b.c, issuerRegex: '[z-a]'}}", "keyless.issuerRegex: '[z-a]' is not a valid regular expression")]
    [InlineData("{key: {publicKey: 'not a key'}}", "anyOf[0].key.publicKey: is not PEM (expected -----BEGIN PUBLIC KEY-----)")]
    [InlineData("{key: {publicKey: \"-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----\"}}", "is a PRIVATE key; a policy must hold only the public key")]
    [InlineData("{key: {publicKey: \"-----BEGIN PUBLIC KEY-----\\nAAAA\\n-----END PUBLIC KEY-----\"}}", "is not a DER SubjectPublicKeyInfo")]
    [InlineData("{key: {secretRef: {name: cosign}}}", "secretRef keys are resolved only when loading from Kubernetes")]
    [InlineData("{key: {}}", "anyOf[0].key: needs exactly one of publicKey (PEM) or secretRef")]
    [InlineData("{}", "anyOf[0]: needs exactly one of keyless (identity and issuer) or key (publicKey or secretRef)")]
    [InlineData("{keyless: {identity: a@b.c, issuer: 'https://x.io'}, key: {publicKey: x}}", "needs exactly one of keyless")]
    public void Authority_errors_name_the_field(string authority, string expected) =>
        Assert.Contains(expected, PolicyYaml.Error($"signatures:\n  anyOf:\n    - {authority}"), StringComparison.Ordinal);

    [Fact]
    public void Signatures_need_exactly_one_of_anyOf_or_allOf()
    {
        const string authority = "{keyless: {identity: a@b.c, issuer: 'https://accounts.google.com'}}";
        Assert.Contains("spec.signatures: needs exactly one of anyOf or allOf",
            PolicyYaml.Error($"signatures:\n  anyOf: [{authority}]\n  allOf: [{authority}]"), StringComparison.Ordinal);
        Assert.Contains("spec.signatures: needs exactly one of anyOf or allOf", PolicyYaml.Error("signatures: {}"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{id: CVE-2023-5678, expires: '2026-01-01', reason: accepted}", "allow[0].expires: expired at the end of 2026-01-01; remove the entry or renew it")]
    [InlineData("{id: CVE-2023-5678, expires: next year, reason: accepted}", "'next year' is not a date (2025-12-31) or an RFC 3339 time with a zone")]
    [InlineData("{id: CVE-2023-5678, expires: '2027-01-01T10:00:00', reason: accepted}", "is not a date (2025-12-31) or an RFC 3339 time with a zone")]
    [InlineData("{id: cve 123, expires: '2027-01-01', reason: accepted}", "allow[0].id: 'cve 123' is not an advisory id")]
    [InlineData("{id: CVE-2023-5678, expires: '2027-01-01'}", "allow[0].reason: is required")]
    [InlineData("{id: CVE-2023-5678, expires: '2027-01-01', reason: ''}", "allow[0].reason: must not be empty")]
    public void Allow_list_entries_need_an_id_a_future_expiry_and_a_reason(string entry, string expected) =>
        Assert.Contains(expected, PolicyYaml.Error($"vulnerabilities:\n  denySeverity: HIGH\n  allow:\n    - {entry}"), StringComparison.Ordinal);

    [Fact]
    public void An_expired_entry_is_only_a_warning_for_the_running_service()
    {
        var yaml = PolicyYaml.Minimal("vulnerabilities:\n  allow:\n    - {id: CVE-2023-5678, expires: '2026-01-01', reason: accepted}");
        var result = ImagePolicyLoader.LoadText(yaml, "test.yaml", new PolicyLoadOptions(PolicyYaml.Now, ExpiredExceptionsAreErrors: false));

        Assert.True(result.Succeeded);
        var warning = Assert.Single(result.Issues);
        Assert.Equal(IssueSeverity.Warning, warning.Severity);
        Assert.Contains("warning: spec.vulnerabilities.allow[0].expires: expired at", warning.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_duplicate_allow_list_id_is_an_error()
    {
        var error = PolicyYaml.Error("vulnerabilities:\n  allow:\n    - {id: CVE-1-1, expires: '2027-01-01', reason: a}\n    - {id: CVE-1-1, expires: '2027-01-01', reason: b}");
        Assert.Contains("allow[1].id: 'CVE-1-1' is listed more than once", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("apiVersion: gatehouse.dev/v1alpha1", "apiVersion: gatehouse.dev/v1", "apiVersion: must be gatehouse.dev/v1alpha1 (was 'gatehouse.dev/v1')")]
    [InlineData("kind: ImagePolicy", "kind: ClusterPolicy", "kind: must be ImagePolicy (was 'ClusterPolicy')")]
    [InlineData("  profile: prod", "  profile: Prod", "spec.profile: 'Prod' must be a DNS label")]
    [InlineData("  profile: prod", "  mode: warn", "spec.profile: is required")]
    [InlineData("  name: prod", "  name: prod\n  namespace: default", "metadata.namespace: ImagePolicy is cluster-scoped")]
    [InlineData("  name: prod", "  name: Prod_1", "metadata.name: 'Prod_1' is not a valid name")]
    public void Envelope_errors_are_reported(string find, string replace, string expected)
    {
        var yaml = PolicyYaml.Minimal().Replace(find, replace.Replace("\\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        var error = Assert.Single(PolicyYaml.Load(yaml).Errors).ToString();
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_error_of_a_document_is_reported_at_once_with_its_line()
    {
        var result = PolicyYaml.Load(PolicyYaml.Minimal("mode: strict\nrequireDigest: 1\nregistries: [docker.io]"));

        var errors = result.Errors.Select(e => e.ToString()).ToList();
        Assert.Equal(3, errors.Count);
        Assert.StartsWith("test.yaml:7: spec.mode:", errors[0], StringComparison.Ordinal);
        Assert.StartsWith("test.yaml:8: spec.requireDigest: must be true or false (was the number 1)", errors[1], StringComparison.Ordinal);
        Assert.StartsWith("test.yaml:9: spec.registries[0]:", errors[2], StringComparison.Ordinal);
        Assert.Empty(result.Policies);
    }

    [Fact]
    public void Malformed_yaml_and_duplicate_keys_are_reported_with_lines()
    {
        Assert.Matches(@"^test\.yaml:\d+: not valid YAML", Assert.Single(PolicyYaml.Load("a: b\nc: 'unterminated\n").Errors).ToString());
        Assert.Matches(@"^test\.yaml(:\d+)?: not valid YAML", Assert.Single(PolicyYaml.Load("a: [1, 2\nb: c: d").Errors).ToString());
        Assert.Contains("test.yaml:8: not valid YAML: Duplicate key", Assert.Single(PolicyYaml.Load(PolicyYaml.Minimal("mode: warn\nmode: audit")).Errors).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Two_policies_for_one_profile_are_rejected()
    {
        var yaml = PolicyYaml.Minimal(name: "a") + "\n---\n" + PolicyYaml.Minimal(name: "b");
        var error = Assert.Single(PolicyYaml.Load(yaml).Errors).ToString();
        Assert.Contains("profile 'prod' is defined by more than one policy (a, b)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_document_that_is_not_a_mapping_is_rejected()
    {
        Assert.Contains("a document must be an ImagePolicy mapping", Assert.Single(PolicyYaml.Load("- a\n- b").Errors).ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("---\n")]
    public void A_policy_file_with_no_policy_is_refused(string text)
    {
        var folder = Directory.CreateTempSubdirectory("gatehouse-policy-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "dev.yaml"), PolicyYaml.Minimal(profile: "dev", name: "dev"));
            File.WriteAllText(Path.Combine(folder.FullName, "prod.yaml"), text);
            var result = ImagePolicyLoader.LoadPaths([folder.FullName], PolicyYaml.Options);
            Assert.False(result.Succeeded);
            Assert.EndsWith("prod.yaml: holds no ImagePolicy (delete the file to remove its profiles)", Assert.Single(result.Errors).ToString(), StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Alias_bombs_fail_instead_of_expanding()
    {
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + string.Join("\n",
            Enumerable.Range(1, 8).Select(i => $"{(char)('a' + i)}: &{(char)('a' + i)} [{string.Join(", ", Enumerable.Repeat("*" + (char)('a' + i - 1), 10))}]"));
        Assert.Contains("document is too large", Assert.Single(PolicyYaml.Load(bomb).Errors).ToString(), StringComparison.Ordinal);
    }
}
