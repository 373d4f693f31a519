using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Contracts;
using Gatehouse.Policy.Model;
using Gatehouse.Testing;
using Json.Schema;

namespace Gatehouse.Policy.Tests;

/// <summary>The shipped examples load, mean what they say, and the CRD's OpenAPI schema accepts them.</summary>
public sealed class ExamplePolicyTests
{
    private static string Example(string name) => Path.Combine(RepoPaths.Root, "deploy", "k8s", "examples", name);

    private static readonly string CrdPath = Path.Combine(RepoPaths.Root, "deploy", "k8s", "crds", "imagepolicy.yaml");

    private static PolicySet Examples()
    {
        var result = ImagePolicyLoader.LoadPaths([Example("imagepolicy-prod.yaml"), Example("imagepolicy-dev.yaml")], PolicyYaml.Options);
        Assert.True(result.Succeeded, string.Join("\n", result.Issues));
        Assert.Empty(result.Issues);
        return new PolicySet(1, result.Policies);
    }

    [Fact]
    public void The_prod_example_has_every_rule()
    {
        var prod = Examples().Find("prod")!;
        var spec = prod.Spec;

        Assert.Equal((PolicyMode.Enforce, true, UnknownImageAction.DenyAndScan, FailureMode.Deny),
            (spec.Mode, spec.RequireDigest, spec.UnknownImages, spec.FailureMode));
        Assert.Contains(spec.Registries, r => r.Matches(ImageReference.Parse("ghcr.io/acme/team/api")));
        Assert.Contains(spec.Registries, r => r.Matches(ImageReference.Parse("debian")));
        Assert.DoesNotContain(spec.Registries, r => r.Matches(ImageReference.Parse("ghcr.io/evil/api")));
        Assert.Equal(SignatureMatch.AnyOf, spec.Signatures!.Match);
        Assert.Equal(TestKeys.ReleaseKeyId, spec.Signatures.Authorities[1].Key!.KeyId);
        Assert.True(spec.Signatures.Authorities[0].Keyless!.Subject.Matches("https://github.com/acme/api/.github/workflows/release.yml@refs/tags/v1.2.3"));
        Assert.False(spec.Signatures.Authorities[0].Keyless!.Subject.Matches("https://github.com/acme/api/.github/workflows/release.yml@refs/heads/main"));
        Assert.Equal((VulnerabilitySeverity.High, true, TimeSpan.FromDays(7)), (spec.Vulnerabilities!.DenySeverity, spec.Vulnerabilities.OnlyFixable, spec.Vulnerabilities.MaxScanAge));
        Assert.Equal(new DateTimeOffset(2027, 7, 1, 0, 0, 0, TimeSpan.Zero), Assert.Single(spec.Vulnerabilities.Allow).Expires);
        Assert.Equal(DriftAction.Report, spec.BaseImages!.Drift);
        Assert.Equal(["sre-oncall"], spec.BreakGlass!.AllowedGroups);
        Assert.Equal((TimeSpan.FromHours(4), true), (spec.BreakGlass.MaxDuration, spec.BreakGlass.TicketRequired));
    }

    [Theory]
    [InlineData("prod", "prod")]
    [InlineData("dev", "dev")]
    [InlineData(null, "dev")]
    [InlineData("staging", "dev")]
    public void Namespaces_resolve_to_profiles_by_label(string? label, string expected)
    {
        var labels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = "shop" };
        if (label is not null) labels["gatehouse.dev/profile"] = label;

        var profiles = Examples().ForNamespace(labels);

        Assert.Equal(expected, Assert.Single(profiles).Profile);
    }

    [Fact]
    public void System_namespaces_are_governed_by_no_example_profile()
    {
        Assert.Empty(Examples().ForNamespace(new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = "kube-system" }));
    }

    [Theory]
    [InlineData("imagepolicy-prod.yaml")]
    [InlineData("imagepolicy-dev.yaml")]
    public void The_crd_schema_accepts_the_examples(string example)
    {
        var results = Validate(YamlJson.Parse(File.ReadAllText(Example(example)), example).Single().Root!);
        Assert.True(results.IsValid, Describe(results));
    }

    [Theory]
    [InlineData("mode: enforce", "mode: enforced")]
    [InlineData("denySeverity: HIGH", "denySeverity: high")]
    [InlineData("requireDigest: true", "requireDigest: \"yes\"")]
    [InlineData("maxScanAge: 7d", "maxScanAge: 7 days")]
    [InlineData("profile: prod", "profile: Prod")]
    [InlineData("- ghcr.io/acme/**", "- ghcr.io")]
    public void The_crd_schema_rejects_what_the_loader_rejects(string find, string replace)
    {
        var text = File.ReadAllText(Example("imagepolicy-prod.yaml")).Replace(find, replace, StringComparison.Ordinal);
        Assert.False(Validate(YamlJson.Parse(text, "prod").Single().Root!).IsValid);
        Assert.False(ImagePolicyLoader.LoadText(text, "prod", PolicyYaml.Options).Succeeded);
    }

    [Fact]
    public void The_crd_describes_the_resource_the_loader_reads()
    {
        var crd = YamlJson.Parse(File.ReadAllText(CrdPath), "crd").Single().Root!;
        Assert.Equal($"{ImagePolicy.Plural}.{ImagePolicy.Group}", crd["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal(ImagePolicy.Kind, crd["spec"]!["names"]!["kind"]!.GetValue<string>());
        Assert.Equal("Cluster", crd["spec"]!["scope"]!.GetValue<string>());
        var version = crd["spec"]!["versions"]![0]!;
        Assert.Equal(ImagePolicy.Version, version["name"]!.GetValue<string>());
        var specProperties = version["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!["properties"]!.AsObject().Select(p => p.Key).Order();
        Assert.Equal(["baseImages", "breakGlass", "failureMode", "mode", "namespaceSelector", "profile", "promote", "registries", "requireDigest", "signatures", "unknownImages", "vulnerabilities"], specProperties);
    }

    [Fact]
    public void Yaml_and_json_forms_of_a_policy_have_the_same_generation()
    {
        var yaml = File.ReadAllText(Example("imagepolicy-dev.yaml"));
        var json = YamlJson.Parse(yaml, "dev").Single().Root!.ToJsonString();
        var fromYaml = Assert.Single(ImagePolicyLoader.LoadText(yaml, "dev.yaml", PolicyYaml.Options).Policies);
        var fromJson = Assert.Single(ImagePolicyLoader.LoadText(json, "dev.json", PolicyYaml.Options).Policies);
        var changed = Assert.Single(ImagePolicyLoader.LoadText(yaml.Replace("maxScanAge: 30d", "maxScanAge: 29d", StringComparison.Ordinal), "dev.yaml", PolicyYaml.Options).Policies);

        Assert.Equal(fromYaml.Generation, fromJson.Generation);
        Assert.NotEqual(fromYaml.Generation, changed.Generation);
        Assert.InRange(fromYaml.Generation, 1, (1L << 53) - 1);
    }

    [Fact]
    public void A_kubectl_list_loads_like_separate_documents()
    {
        var prod = YamlJson.Parse(File.ReadAllText(Example("imagepolicy-prod.yaml")), "p").Single().Root!;
        var dev = YamlJson.Parse(File.ReadAllText(Example("imagepolicy-dev.yaml")), "d").Single().Root!;
        prod["metadata"]!["resourceVersion"] = "42";
        prod["metadata"]!["generation"] = 3;
        var list = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = new JsonArray(prod, dev) };

        var result = ImagePolicyLoader.LoadText(list.ToJsonString(), "list.json", PolicyYaml.Options);

        Assert.True(result.Succeeded, string.Join("\n", result.Issues));
        Assert.Equal(["dev", "prod"], new PolicySet(1, result.Policies).Profiles);
        Assert.Equal(3, result.Policies.Single(p => p.Profile == "prod").Metadata.Generation);
    }

    private static EvaluationResults Validate(JsonNode document)
    {
        var crd = YamlJson.Parse(File.ReadAllText(CrdPath), "crd").Single().Root!;
        var schemaNode = crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!;
        // x-kubernetes-* are the API server's extensions (CEL rules), not JSON Schema keywords.
        RemoveKubernetesExtensions(schemaNode);
        var schema = JsonSchema.Build(JsonSerializer.SerializeToElement(schemaNode));
        return schema.Evaluate(JsonSerializer.SerializeToElement(document), new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    private static void RemoveKubernetesExtensions(JsonNode? node)
    {
        if (node is JsonObject obj)
        {
            foreach (var key in obj.Select(p => p.Key).Where(k => k.StartsWith("x-kubernetes-", StringComparison.Ordinal)).ToList()) obj.Remove(key);
            foreach (var (_, child) in obj) RemoveKubernetesExtensions(child);
        }
        else if (node is JsonArray array)
        {
            foreach (var child in array) RemoveKubernetesExtensions(child);
        }
    }

    private static string Describe(EvaluationResults results) =>
        string.Join("\n", (results.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}")));
}
