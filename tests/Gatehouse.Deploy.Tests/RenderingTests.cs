using Gatehouse.Deploy.Tests.Rendering;
using Gatehouse.Deploy.Tests.Validation;

namespace Gatehouse.Deploy.Tests;

/// <summary>Both overlays render, and every object they render is a valid object of its kind.</summary>
public sealed class RenderingTests
{
    public static TheoryData<string> Environments => new() { "dev", "prod" };

    [Theory]
    [MemberData(nameof(Environments))]
    public void Every_object_loads_into_its_typed_model_or_its_schema(string environment)
    {
        var overlay = Kustomize.Overlay(environment);
        var problems = new List<string>();
        var typed = 0;
        foreach (var manifest in overlay.Objects)
        {
            if (TypedModels.ModelFor(manifest) is not null)
            {
                try
                {
                    TypedModels.Load(manifest);
                    typed++;
                }
                catch (InvalidOperationException ex)
                {
                    problems.Add(ex.Message);
                }
                continue;
            }
            var errors = CustomResources.Validate(manifest, overlay);
            if (errors is null) problems.Add($"{manifest}: {manifest.ApiVersion} {manifest.Kind} has neither a typed model nor a known schema");
            else problems.AddRange(errors.Select(e => $"{manifest}: {e}"));
        }
        Assert.Empty(problems);
        Assert.True(typed > 40, $"only {typed} typed objects rendered");
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public void Every_component_is_rendered(string environment)
    {
        var overlay = Kustomize.Overlay(environment);
        string[] deployments = ["registry-watcher", "scanner", "signer", "policy", "admission", "otel-collector"];
        var missing = deployments.Where(d => overlay.Find("Deployment", "gatehouse-" + d) is null).Select(d => "Deployment gatehouse-" + d)
            .Concat(new[] { ("StatefulSet", "gatehouse-redis"), ("StatefulSet", "gatehouse-redis-sentinel"), ("RabbitmqCluster", "gatehouse-rabbitmq"),
                    ("CustomResourceDefinition", "imagepolicies.gatehouse.dev"), ("ImagePolicy", "prod"), ("ImagePolicy", "dev"),
                    ("HorizontalPodAutoscaler", "gatehouse-admission"), ("ScaledObject", "gatehouse-scanner"), ("Issuer", "gatehouse-selfsigned"),
                    ("Certificate", "gatehouse-admission"), ("ValidatingWebhookConfiguration", "gatehouse"), ("MutatingWebhookConfiguration", "gatehouse"),
                    ("NetworkPolicy", "default-deny") }
                .Where(x => overlay.Find(x.Item1, x.Item2) is null).Select(x => $"{x.Item1} {x.Item2}"))
            .ToList();
        Assert.Empty(missing);
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public void The_scanner_scales_on_its_sbom_queue_with_credentials_from_a_secret(string environment)
    {
        var overlay = Kustomize.Overlay(environment);
        var scaled = overlay.Find("ScaledObject", "gatehouse-scanner")!.Json["spec"]!;
        var trigger = Assert.Single(scaled["triggers"]!.AsArray())!;
        Assert.Equal(("rabbitmq", "gatehouse-sbom-generation", "gatehouse-scanner"),
            ((string?)trigger["type"], (string?)trigger["metadata"]!["queueName"], (string?)scaled["scaleTargetRef"]!["name"]));
        Assert.Null(trigger["metadata"]!["host"]);
        var auth = overlay.Find("TriggerAuthentication", (string)trigger["authenticationRef"]!["name"]!)!;
        Assert.Contains(auth.Json["spec"]!["secretTargetRef"]!.AsArray(), r => (string?)r!["parameter"] == "host");
    }

    [Fact]
    public void A_missing_overlay_fails_loudly()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Kustomize.Build(Path.Combine(Kustomize.DeployRoot, "overlays", "no-such-overlay")));
        Assert.Contains("kubectl kustomize", ex.Message, StringComparison.Ordinal);
    }
}
