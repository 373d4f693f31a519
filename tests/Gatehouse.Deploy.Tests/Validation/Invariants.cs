using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gatehouse.Deploy.Tests.Rendering;

namespace Gatehouse.Deploy.Tests.Validation;

/// <summary>
/// The rules the rendered manifests must keep. Each returns its violations (empty: kept), so the tests can show
/// both that the real overlays keep a rule and that a broken copy of them is caught.
/// </summary>
public static partial class Invariants
{
    public const string Namespace = "gatehouse";

    private static readonly string[] ProtectedNamespaces = [Namespace, "kube-system"];

    private static readonly string[] ContainerLists = ["initContainers", "containers"];

    private static readonly string[] WebhookKinds = ["ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"];

    /// <summary>No webhook may match its own namespace or kube-system, and each must still match an ordinary one.</summary>
    public static IEnumerable<string> WebhooksSkipProtectedNamespaces(RenderedOverlay overlay)
    {
        foreach (var (config, webhook) in Webhooks(overlay))
        {
            var selector = webhook["namespaceSelector"] as JsonObject;
            foreach (var ns in ProtectedNamespaces)
            {
                if (LabelSelector.Matches(selector, NamespaceLabels(ns)))
                    yield return $"{config} webhook {webhook["name"]} matches namespace {ns}";
            }
            if (!LabelSelector.Matches(selector, NamespaceLabels("shop")))
                yield return $"{config} webhook {webhook["name"]} matches no ordinary namespace";
        }
    }

    /// <summary>admissionReviewVersions [v1], sideEffects None, timeoutSeconds 3, reinvocation for mutation, and TLS by cert-manager.</summary>
    public static IEnumerable<string> WebhookSettings(RenderedOverlay overlay)
    {
        var configs = WebhookKinds.SelectMany(overlay.OfKind).ToList();
        if (!WebhookKinds.All(k => configs.Any(c => c.Kind == k))) yield return "a validating and a mutating webhook configuration are both required";
        foreach (var config in configs)
        {
            var inject = (string?)config.Json["metadata"]?["annotations"]?["cert-manager.io/inject-ca-from"];
            var certificate = inject?.Split('/') is [var certNs, var certName] ? overlay.Find("Certificate", certName) : null;
            if (certificate is null || certificate.Namespace != inject!.Split('/')[0])
                yield return $"{config}: cert-manager.io/inject-ca-from '{inject}' names no rendered Certificate";
        }
        foreach (var (config, webhook) in Webhooks(overlay))
        {
            var name = $"{config} webhook {webhook["name"]}";
            if (webhook["admissionReviewVersions"] is not JsonArray versions || versions.Count != 1 || (string?)versions[0] != "v1")
                yield return $"{name}: admissionReviewVersions must be [v1]";
            if ((string?)webhook["sideEffects"] != "None") yield return $"{name}: sideEffects must be None";
            if (webhook["timeoutSeconds"]?.ToJsonString() != "3") yield return $"{name}: timeoutSeconds must be 3";
            if (config.Kind == "MutatingWebhookConfiguration" && (string?)webhook["reinvocationPolicy"] != "IfNeeded")
                yield return $"{name}: reinvocationPolicy must be IfNeeded";
            if (webhook["clientConfig"]?["caBundle"] is not null) yield return $"{name}: caBundle is committed instead of injected";
            foreach (var problem in ServiceBehind(overlay, webhook["clientConfig"]?["service"] as JsonObject, config)) yield return $"{name}: {problem}";
        }
    }

    /// <summary>The webhook's Service exists, serves HTTPS from a certificate whose Secret its pods mount.</summary>
    private static IEnumerable<string> ServiceBehind(RenderedOverlay overlay, JsonObject? reference, Manifest config)
    {
        var service = reference is null ? null : overlay.Find("Service", (string?)reference["name"] ?? "");
        if (service is null || service.Namespace != (string?)reference!["namespace"])
        {
            yield return "clientConfig.service names no rendered Service";
            yield break;
        }
        var host = $"{service.Name}.{service.Namespace}.svc";
        var inject = ((string?)config.Json["metadata"]?["annotations"]?["cert-manager.io/inject-ca-from"] ?? "").Split('/').Last();
        var certificate = overlay.Find("Certificate", inject);
        if (certificate?.Json["spec"]?["dnsNames"] is not JsonArray names || !names.Any(n => (string?)n == host))
            yield return $"the certificate does not name {host}";
        var secret = (string?)certificate?.Json["spec"]?["secretName"];
        var selector = service.Json["spec"]?["selector"] as JsonObject;
        var pods = PodTemplates(overlay).Where(p => p.Owner.Namespace == service.Namespace && LabelSelector.MatchesLabels(selector, p.Labels)).ToList();
        if (pods.Count == 0) yield return $"Service {service.Name} selects no pods";
        if (!pods.Any(p => (p.Spec["volumes"] as JsonArray ?? []).Any(v => (string?)v?["secret"]?["secretName"] == secret)))
            yield return $"no pod behind Service {service.Name} mounts the certificate Secret {secret}";
    }

    public static IEnumerable<string> FailurePolicy(RenderedOverlay overlay, string expected) =>
        Webhooks(overlay).Where(w => (string?)w.Webhook["failurePolicy"] != expected)
            .Select(w => $"{w.Config} webhook {w.Webhook["name"]}: failurePolicy is {w.Webhook["failurePolicy"]}, expected {expected}");

    /// <summary>Probes, requests and limits, and a restricted security context on every container of every workload.</summary>
    public static IEnumerable<string> ContainersAreHardened(RenderedOverlay overlay)
    {
        var templates = PodTemplates(overlay).ToList();
        if (templates.Count == 0) yield return "no workloads rendered";
        foreach (var (owner, spec, _) in templates)
        {
            var pod = spec["securityContext"] as JsonObject;
            foreach (var flag in new[] { "hostNetwork", "hostPID", "hostIPC" })
            {
                if (spec[flag]?.GetValue<bool>() == true) yield return $"{owner}: {flag}";
            }
            foreach (var container in Containers(spec))
            {
                var where = $"{owner} container {container["name"]}";
                foreach (var probe in new[] { "livenessProbe", "readinessProbe" })
                {
                    if (container[probe] is not JsonObject { Count: > 0 }) yield return $"{where}: no {probe}";
                }
                foreach (var kind in new[] { "requests", "limits" })
                {
                    foreach (var resource in new[] { "cpu", "memory" })
                    {
                        if (container["resources"]?[kind]?[resource] is null) yield return $"{where}: no {resource} {kind}";
                    }
                }
                var sc = container["securityContext"] as JsonObject;
                if ((sc?["runAsNonRoot"] ?? pod?["runAsNonRoot"])?.GetValue<bool>() != true) yield return $"{where}: runAsNonRoot is not true";
                if (sc?["readOnlyRootFilesystem"]?.GetValue<bool>() != true) yield return $"{where}: readOnlyRootFilesystem is not true";
                if (sc?["allowPrivilegeEscalation"]?.GetValue<bool>() != false) yield return $"{where}: allowPrivilegeEscalation is not false";
                if (sc?["privileged"]?.GetValue<bool>() == true) yield return $"{where}: privileged";
                if (sc?["capabilities"]?["drop"] is not JsonArray drop || !drop.Any(c => (string?)c == "ALL")) yield return $"{where}: capabilities do not drop ALL";
                if (sc?["capabilities"]?["add"] is JsonArray { Count: > 0 }) yield return $"{where}: capabilities are added";
                if ((string?)(sc?["seccompProfile"] ?? pod?["seccompProfile"])?["type"] != "RuntimeDefault") yield return $"{where}: seccompProfile is not RuntimeDefault";
            }
        }
    }

    /// <summary>Every image, of every container and of operator-managed clusters, is referenced by digest.</summary>
    public static IEnumerable<string> ImagesByDigest(RenderedOverlay overlay)
    {
        var images = PodTemplates(overlay).SelectMany(t => Containers(t.Spec).Select(c => (Where: $"{t.Owner} container {c["name"]}", Image: (string?)c["image"])))
            .Concat(overlay.OfKind("RabbitmqCluster").Select(r => (Where: r.ToString(), Image: (string?)r.Json["spec"]?["image"])))
            .ToList();
        if (images.Count == 0) yield return "no images rendered";
        foreach (var (where, image) in images)
        {
            if (image is null || !Digest().IsMatch(image)) yield return $"{where}: image '{image}' is not pinned by digest";
        }
    }

    [GeneratedRegex("^[a-z0-9.:/_-]+@sha256:[a-f0-9]{64}$")]
    private static partial Regex Digest();

    /// <summary>Each Deployment and StatefulSet runs as its own rendered ServiceAccount and has a PodDisruptionBudget.</summary>
    public static IEnumerable<string> WorkloadsHavePdbAndServiceAccount(RenderedOverlay overlay)
    {
        var pdbs = overlay.OfKind("PodDisruptionBudget").ToList();
        foreach (var (owner, spec, labels) in PodTemplates(overlay).Where(t => t.Owner.Kind is "Deployment" or "StatefulSet"))
        {
            var account = (string?)spec["serviceAccountName"];
            if (account is null or "default") yield return $"{owner}: runs as the default service account";
            else if (!overlay.OfKind("ServiceAccount").Any(sa => sa.Name == account && sa.Namespace == owner.Namespace))
                yield return $"{owner}: service account {account} is not rendered";
            if (!pdbs.Any(p => p.Namespace == owner.Namespace && LabelSelector.Matches(p.Json["spec"]?["selector"] as JsonObject, labels, emptyMatchesAll: false)))
                yield return $"{owner}: no PodDisruptionBudget selects its pods";
        }
    }

    private static IEnumerable<(Manifest Config, JsonObject Webhook)> Webhooks(RenderedOverlay overlay) =>
        WebhookKinds.SelectMany(overlay.OfKind).SelectMany(c => (c.Json["webhooks"] as JsonArray ?? []).OfType<JsonObject>().Select(w => (c, w)));

    private static Dictionary<string, string> NamespaceLabels(string name) => new() { ["kubernetes.io/metadata.name"] = name };

    /// <summary>Pod templates of every workload kind, with the labels their pods get.</summary>
    public static IEnumerable<(Manifest Owner, JsonObject Spec, JsonObject Labels)> PodTemplates(RenderedOverlay overlay)
    {
        foreach (var o in overlay.Objects)
        {
            var template = o.Kind switch
            {
                "Pod" => o.Json,
                "Deployment" or "StatefulSet" or "DaemonSet" or "ReplicaSet" or "Job" => o.Json["spec"]?["template"],
                "CronJob" => o.Json["spec"]?["jobTemplate"]?["spec"]?["template"],
                _ => null,
            };
            if (template?["spec"] is JsonObject spec)
                yield return (o, spec, template["metadata"]?["labels"] as JsonObject ?? []);
        }
    }

    public static IEnumerable<JsonObject> Containers(JsonObject podSpec) =>
        ContainerLists.SelectMany(list => (podSpec[list] as JsonArray ?? []).OfType<JsonObject>());
}
