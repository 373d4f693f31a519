using System.Text.Json.Nodes;
using Gatehouse.Deploy.Tests.Rendering;
using Gatehouse.Deploy.Tests.Validation;

namespace Gatehouse.Deploy.Tests;

/// <summary>
/// Each check catches the mistake it exists for: a copy of the rendered prod overlay is broken in one way and
/// the matching check must report it (a check that always passed would prove nothing).
/// </summary>
public sealed class InvariantMutationTests
{
    private static readonly Dictionary<string, (Action<RenderedOverlay> Break, Func<RenderedOverlay, IEnumerable<string>> Check)> Cases = new()
    {
        ["webhook matches kube-system"] = (o => Webhook(o, "ValidatingWebhookConfiguration")["namespaceSelector"]!["matchExpressions"]![0]!["values"] = new JsonArray("gatehouse"),
            Invariants.WebhooksSkipProtectedNamespaces),
        ["webhook selector dropped"] = (o => Webhook(o, "MutatingWebhookConfiguration").Remove("namespaceSelector"), Invariants.WebhooksSkipProtectedNamespaces),
        ["webhook timeout 10"] = (o => Webhook(o, "ValidatingWebhookConfiguration")["timeoutSeconds"] = 10, Invariants.WebhookSettings),
        ["no reinvocation"] = (o => Webhook(o, "MutatingWebhookConfiguration")["reinvocationPolicy"] = "Never", Invariants.WebhookSettings),
        ["side effects"] = (o => Webhook(o, "MutatingWebhookConfiguration")["sideEffects"] = "Some", Invariants.WebhookSettings),
        ["v1beta1 reviews"] = (o => Webhook(o, "ValidatingWebhookConfiguration")["admissionReviewVersions"] = new JsonArray("v1", "v1beta1"), Invariants.WebhookSettings),
        ["no ca injection"] = (o => o.Find("ValidatingWebhookConfiguration", "gatehouse")!.Json["metadata"]!.AsObject().Remove("annotations"), Invariants.WebhookSettings),
        ["certificate not mounted"] = (o => o.Find("Certificate", "gatehouse-admission")!.Json["spec"]!["secretName"] = "other", Invariants.WebhookSettings),
        ["prod fails open"] = (o => Webhook(o, "MutatingWebhookConfiguration")["failurePolicy"] = "Ignore", o => Invariants.FailurePolicy(o, "Fail")),
        ["no readiness probe"] = (o => Container(o, "gatehouse-admission").Remove("readinessProbe"), Invariants.ContainersAreHardened),
        ["no memory limit"] = (o => Container(o, "gatehouse-redis")["resources"]!["limits"]!.AsObject().Remove("memory"), Invariants.ContainersAreHardened),
        ["writable root"] = (o => Container(o, "gatehouse-scanner")["securityContext"]!["readOnlyRootFilesystem"] = false, Invariants.ContainersAreHardened),
        ["escalation allowed"] = (o => Container(o, "gatehouse-signer")["securityContext"]!.AsObject().Remove("allowPrivilegeEscalation"), Invariants.ContainersAreHardened),
        ["capability kept"] = (o => Container(o, "gatehouse-policy")["securityContext"]!["capabilities"]!["drop"] = new JsonArray("NET_RAW"), Invariants.ContainersAreHardened),
        ["unconfined seccomp"] = (o => Container(o, "gatehouse-otel-collector")["securityContext"]!["seccompProfile"]!["type"] = "Unconfined", Invariants.ContainersAreHardened),
        ["root allowed"] = (o => Container(o, "gatehouse-registry-watcher")["securityContext"]!["runAsNonRoot"] = false, Invariants.ContainersAreHardened),
        ["image by tag"] = (o => Container(o, "gatehouse-scanner")["image"] = "127.0.0.1:5000/gatehouse/scanner:latest", Invariants.ImagesByDigest),
        ["rabbitmq by tag"] = (o => o.Find("RabbitmqCluster", "gatehouse-rabbitmq")!.Json["spec"]!["image"] = "rabbitmq:3.13", Invariants.ImagesByDigest),
        ["wildcard verb"] = (o => o.Find("ClusterRole", "gatehouse-policy")!.Json["rules"]![0]!["verbs"] = new JsonArray("*"), Invariants.RbacIsLeastPrivilege),
        ["wildcard resource"] = (o => o.Find("ClusterRole", "gatehouse-admission")!.Json["rules"]![0]!["resources"] = new JsonArray("*"), Invariants.RbacIsLeastPrivilege),
        ["write verb"] = (o => o.Find("Role", "gatehouse-policy-keys")!.Json["rules"]![0]!["verbs"] = new JsonArray("get", "update"), Invariants.RbacIsLeastPrivilege),
        ["lease deletable"] = (o => LeaseRule(o, 1)["verbs"] = new JsonArray("create", "delete"), Invariants.RbacIsLeastPrivilege),
        ["lease update for any name"] = (o => LeaseRule(o, 0).Remove("resourceNames"), Invariants.RbacIsLeastPrivilege),
        ["lease writes cluster-wide"] = (o => o.Find("Role", "gatehouse-policy-leader-election")!.Json["kind"] = "ClusterRole", Invariants.RbacIsLeastPrivilege),
        ["replicasets not readable"] = (o => PolicyRule(o, "apps")["resources"] = new JsonArray("deployments"), Invariants.PolicyCanKeepTheInventory),
        ["jobs not readable"] = (o => PolicyRule(o, "batch")["verbs"] = new JsonArray("list"), Invariants.PolicyCanKeepTheInventory),
        ["lease not updatable"] = (o => LeaseRule(o, 0)["verbs"] = new JsonArray("get"), Invariants.PolicyCanKeepTheInventory),
        ["other lease named"] = (o => LeaseRule(o, 0)["resourceNames"] = new JsonArray("gatehouse-policy"), Invariants.PolicyCanKeepTheInventory),
        ["lease role unbound"] = (o => o.Find("RoleBinding", "gatehouse-policy-leader-election")!.Json["metadata"]!["namespace"] = "default",
            Invariants.PolicyCanKeepTheInventory),
        ["pod name literal"] = (o => Env(o, "gatehouse-policy", "POD_NAME")["value"] = "gatehouse-policy", Invariants.PolicyCanKeepTheInventory),
        ["scanner bound"] = (o => o.Find("ClusterRoleBinding", "gatehouse-admission")!.Json["subjects"]![0]!["name"] = "gatehouse-scanner", Invariants.RbacIsLeastPrivilege),
        ["no pdb"] = (o => Remove(o, "PodDisruptionBudget", "gatehouse-signer"), Invariants.WorkloadsHavePdbAndServiceAccount),
        ["default service account"] = (o => PodSpec(o, "gatehouse-policy").Remove("serviceAccountName"), Invariants.WorkloadsHavePdbAndServiceAccount),
        ["secret with data"] = (o => Add(o, """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"gatehouse"},"data":{"k":"dg=="}}"""),
            Invariants.SecretsAreReferencedNotInlined),
        ["literal mac key"] = (o => Env(o, "gatehouse-policy", "Gatehouse__Decisions__MacKey")["value"] = "c2VjcmV0", Invariants.SecretsAreReferencedNotInlined),
        ["password in url"] = (o => Env(o, "gatehouse-scanner", "Gatehouse__RabbitMqUrl")["value"] = "amqp://gatehouse:hunter2@rabbit:5672/", Invariants.SecretsAreReferencedNotInlined),
        ["password in redis string"] = (o => Env(o, "gatehouse-admission", "Gatehouse__Redis")["value"] = "redis:26379,serviceName=gatehouse,password=hunter2",
            Invariants.SecretsAreReferencedNotInlined),
        ["wrong namespace"] = (o => o.Find("Service", "gatehouse-signer")!.Json["metadata"]!["namespace"] = "default", Invariants.NamespacesAreRight),
        ["namespaced policy"] = (o => o.Find("ImagePolicy", "prod")!.Json["metadata"]!["namespace"] = "gatehouse", Invariants.NamespacesAreRight),
        ["scaled target missing"] = (o => o.Find("ScaledObject", "gatehouse-scanner")!.Json["spec"]!["scaleTargetRef"]!["name"] = "scanner", Invariants.ReferencesResolve),
        ["service port unnamed"] = (o => o.Find("Service", "gatehouse-admission")!.Json["spec"]!["ports"]![0]!["targetPort"] = "http", Invariants.ReferencesResolve),
        ["config map missing"] = (o => Remove(o, "ConfigMap", "gatehouse-redis-scripts"), Invariants.ReferencesResolve),
    };

    public static TheoryData<string> Names => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void The_check_reports_a_broken_copy(string name)
    {
        var (breakIt, check) = Cases[name];
        var overlay = Kustomize.Overlay("prod").Mutable();
        Assert.Empty(check(overlay));
        breakIt(overlay);
        Assert.NotEmpty(check(overlay));
    }

    [Theory]
    [InlineData("Deployment", "gatehouse-admission", "/spec", "replica", 3)]
    [InlineData("Service", "gatehouse-policy", "/spec/ports/0", "targetport", "http")]
    [InlineData("ValidatingWebhookConfiguration", "gatehouse", "/webhooks/0", "timeout", 3)]
    [InlineData("NetworkPolicy", "default-deny", "/spec", "policyType", "Ingress")]
    public void An_unknown_field_does_not_load(string kind, string name, string path, string field, object value)
    {
        var manifest = Kustomize.Overlay("prod").Find(kind, name)!.Copy();
        TypedModels.Load(manifest);
        At(manifest.Json, path)[field] = JsonValue.Create(value);
        var ex = Assert.Throws<InvalidOperationException>(() => TypedModels.Load(manifest));
        Assert.Contains(manifest.ToString(), ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ImagePolicy", "prod", "/spec", "mode", "enforced")]
    [InlineData("ImagePolicy", "prod", "/spec", "registry", "ghcr.io/acme/**")]
    [InlineData("ImagePolicy", "dev", "/spec/vulnerabilities", "denySeverity", "high")]
    [InlineData("ImagePolicy", "dev", "/spec", "profile", "Dev")]
    [InlineData("Certificate", "gatehouse-admission", "/spec", "dnsName", "x")]
    [InlineData("ScaledObject", "gatehouse-scanner", "/spec", "minReplicas", "1")]
    [InlineData("TriggerAuthentication", "gatehouse-scanner-rabbitmq", "/spec", "secretRef", "x")]
    [InlineData("RabbitmqCluster", "gatehouse-rabbitmq", "/spec", "replica", "3")]
    [InlineData("Issuer", "gatehouse-selfsigned", "/spec", "selfsigned", "x")]
    public void A_custom_resource_against_its_schema_fails(string kind, string name, string path, string field, string value)
    {
        var overlay = Kustomize.Overlay("prod").Mutable();
        var manifest = overlay.Find(kind, name)!;
        Assert.Empty(CustomResources.Validate(manifest, overlay)!);
        At(manifest.Json, path)[field] = value;
        Assert.NotEmpty(CustomResources.Validate(manifest, overlay)!);
    }

    private static JsonObject At(JsonObject root, string path)
    {
        JsonNode node = root;
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
            node = int.TryParse(part, out var index) ? node[index]! : node[part]!;
        return node.AsObject();
    }

    private static JsonObject Webhook(RenderedOverlay o, string kind) => o.Find(kind, "gatehouse")!.Json["webhooks"]![0]!.AsObject();

    private static JsonObject PodSpec(RenderedOverlay o, string workload) =>
        Invariants.PodTemplates(o).Single(t => t.Owner.Name == workload).Spec;

    private static JsonObject Container(RenderedOverlay o, string workload) => Invariants.Containers(PodSpec(o, workload)).First();

    private static JsonObject Env(RenderedOverlay o, string workload, string name)
    {
        var env = Container(o, workload)["env"]!.AsArray().Single(e => (string?)e!["name"] == name)!.AsObject();
        env.Remove("valueFrom");
        return env;
    }

    private static JsonObject LeaseRule(RenderedOverlay o, int index) =>
        o.Find("Role", "gatehouse-policy-leader-election")!.Json["rules"]![index]!.AsObject();

    private static JsonObject PolicyRule(RenderedOverlay o, string apiGroup) =>
        o.Find("ClusterRole", "gatehouse-policy")!.Json["rules"]!.AsArray().OfType<JsonObject>()
            .Single(r => r["apiGroups"]!.AsArray().Any(g => (string?)g == apiGroup));

    private static void Remove(RenderedOverlay o, string kind, string name) => ((List<Manifest>)o.Objects).Remove(o.Find(kind, name)!);

    private static void Add(RenderedOverlay o, string json) => ((List<Manifest>)o.Objects).Add(new Manifest(JsonNode.Parse(json)!.AsObject()));
}
