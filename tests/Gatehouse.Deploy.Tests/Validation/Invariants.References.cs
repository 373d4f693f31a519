using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gatehouse.Deploy.Tests.Rendering;

namespace Gatehouse.Deploy.Tests.Validation;

public static partial class Invariants
{
    private static readonly string[] ClusterScopedKinds =
        ["Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"];

    /// <summary>
    /// Secrets are referenced, never rendered with values: no Secret carries data, credentials in the environment come
    /// from secretKeyRef, and no URL carries a literal password.
    /// </summary>
    public static IEnumerable<string> SecretsAreReferencedNotInlined(RenderedOverlay overlay)
    {
        foreach (var secret in overlay.OfKind("Secret"))
        {
            if (secret.Json["data"] is JsonObject { Count: > 0 } || secret.Json["stringData"] is JsonObject { Count: > 0 })
                yield return $"{secret}: carries data";
        }
        foreach (var (owner, spec, _) in PodTemplates(overlay))
        {
            foreach (var container in Containers(spec))
            {
                foreach (var env in (container["env"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    var name = (string?)env["name"] ?? "";
                    var value = (string?)env["value"];
                    if (value is null) continue;
                    if (CredentialName().IsMatch(name))
                        yield return $"{owner} container {container["name"]}: {name} has a literal value instead of a secretKeyRef";
                    else if (InlineCredential().IsMatch(value))
                        yield return $"{owner} container {container["name"]}: {name} has a literal credential";
                }
            }
        }
    }

    // Paths to files that hold a secret are fine; the secret itself is not.
    [GeneratedRegex("(?i)(password|token|secret|mackey|auth)(?!.*(file|path)$)")]
    private static partial Regex CredentialName();

    // user:password@ in a URL, or password= in a connection string, unless the value is a $(VAR) reference.
    [GeneratedRegex(@"://[^/@:$]+:(?!\$\()[^@]+@|(?i)password=(?!\$\()")]
    private static partial Regex InlineCredential();

    /// <summary>Namespaced objects live in the gatehouse namespace; cluster-scoped ones (incl. ImagePolicies) have none.</summary>
    public static IEnumerable<string> NamespacesAreRight(RenderedOverlay overlay)
    {
        var clusterScopedCustom = overlay.OfKind("CustomResourceDefinition").Where(c => (string?)c.Json["spec"]?["scope"] == "Cluster")
            .Select(c => (string?)c.Json["spec"]?["names"]?["kind"]).ToHashSet();
        foreach (var o in overlay.Objects)
        {
            var clusterScoped = ClusterScopedKinds.Contains(o.Kind) || clusterScopedCustom.Contains(o.Kind);
            if (clusterScoped && o.Namespace is not null) yield return $"{o}: cluster-scoped but has a namespace";
            if (!clusterScoped && o.Namespace != Namespace) yield return $"{o}: not in namespace {Namespace}";
        }
        if (overlay.Find("Namespace", Namespace) is null) yield return $"namespace {Namespace} is not rendered";
    }

    /// <summary>Names that objects use to find each other resolve within the rendered output.</summary>
    public static IEnumerable<string> ReferencesResolve(RenderedOverlay overlay)
    {
        foreach (var scaled in overlay.OfKind("ScaledObject"))
        {
            var target = (string?)scaled.Json["spec"]?["scaleTargetRef"]?["name"];
            if (overlay.Find("Deployment", target ?? "") is null) yield return $"{scaled}: scales {target}, which is not rendered";
            foreach (var trigger in scaled.Json["spec"]?["triggers"] as JsonArray ?? [])
            {
                var auth = (string?)trigger?["authenticationRef"]?["name"];
                if (auth is null || overlay.Find("TriggerAuthentication", auth) is null)
                    yield return $"{scaled}: trigger {trigger?["type"]} has no rendered TriggerAuthentication";
            }
        }
        foreach (var hpa in overlay.OfKind("HorizontalPodAutoscaler"))
        {
            var target = hpa.Json["spec"]?["scaleTargetRef"];
            if (overlay.Find((string?)target?["kind"] ?? "", (string?)target?["name"] ?? "") is null) yield return $"{hpa}: target is not rendered";
        }
        foreach (var certificate in overlay.OfKind("Certificate"))
        {
            var issuer = certificate.Json["spec"]?["issuerRef"];
            if (((string?)issuer?["kind"] ?? "Issuer") == "Issuer" && overlay.Find("Issuer", (string?)issuer?["name"] ?? "") is null)
                yield return $"{certificate}: issuer {issuer?["name"]} is not rendered";
        }
        foreach (var (owner, spec, labels) in PodTemplates(overlay))
        {
            foreach (var volume in spec["volumes"] as JsonArray ?? [])
            {
                var configMap = volume?["configMap"];
                if (configMap is not null && configMap["optional"]?.GetValue<bool>() != true && overlay.Find("ConfigMap", (string?)configMap["name"] ?? "") is null)
                    yield return $"{owner}: volume {volume!["name"]} mounts ConfigMap {configMap["name"]}, which is not rendered";
            }
            if (owner.Kind is "Deployment" or "StatefulSet" && owner.Json["spec"]?["selector"] is JsonObject selector
                && !LabelSelector.Matches(selector, labels, emptyMatchesAll: false))
                yield return $"{owner}: selector does not match its own template";
        }
        foreach (var service in overlay.OfKind("Service"))
        {
            var pods = PodTemplates(overlay).Where(p => LabelSelector.MatchesLabels(service.Json["spec"]?["selector"] as JsonObject, p.Labels)).ToList();
            if (pods.Count == 0 && service.Json["spec"]?["selector"] is not null) yield return $"{service}: selects no pods";
            foreach (var port in service.Json["spec"]?["ports"] as JsonArray ?? [])
            {
                if (port?["targetPort"] is JsonValue target && target.TryGetValue<string>(out var named)
                    && !pods.Any(p => Containers(p.Spec).Any(c => (c["ports"] as JsonArray ?? []).Any(cp => (string?)cp?["name"] == named))))
                    yield return $"{service}: targetPort {named} is no container port of its pods";
            }
        }
    }
}
