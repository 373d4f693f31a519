using System.Text.Json.Nodes;
using Gatehouse.Deploy.Tests.Rendering;

namespace Gatehouse.Deploy.Tests.Validation;

/// <summary>RBAC: least privilege overall, and exactly what the policy service needs (by evaluating the rendered roles).</summary>
public static partial class Invariants
{
    public const string PolicyAccount = "gatehouse-policy";
    public const string InventoryLease = "gatehouse-policy-inventory";

    private static readonly string[] ReadVerbs = ["get", "list", "watch"];
    private static readonly string[] ApiClients = [PolicyAccount, "gatehouse-admission"];

    /// <summary>
    /// No '*' anywhere in a rule; only read verbs, except the leader-election Lease (create, and update by name, in a
    /// namespaced Role in the gatehouse namespace); bindings only for the two services that talk to the API server.
    /// </summary>
    public static IEnumerable<string> RbacIsLeastPrivilege(RenderedOverlay overlay)
    {
        foreach (var role in overlay.Objects.Where(o => o.Kind is "Role" or "ClusterRole"))
        {
            if (role.Json["aggregationRule"] is not null) yield return $"{role}: aggregated roles grant whatever others add";
            foreach (var rule in (role.Json["rules"] as JsonArray ?? []).OfType<JsonObject>())
            {
                foreach (var field in new[] { "verbs", "resources", "apiGroups", "resourceNames", "nonResourceURLs" })
                {
                    if (Strings(rule, field).Any(v => v.Contains('*', StringComparison.Ordinal))) yield return $"{role}: wildcard in {field}";
                }
                var writes = Strings(rule, "verbs").Where(v => !ReadVerbs.Contains(v)).ToList();
                if (writes.Count == 0) continue;
                var leaseRule = role.Kind == "Role" && role.Namespace == Namespace
                    && Strings(rule, "apiGroups").SequenceEqual(["coordination.k8s.io"]) && Strings(rule, "resources").SequenceEqual(["leases"]);
                foreach (var verb in writes)
                {
                    if (!leaseRule || verb is not ("create" or "update")) yield return $"{role}: verb '{verb}' is not read-only";
                    else if (verb == "update" && !Strings(rule, "resourceNames").Any())
                        yield return $"{role}: update on leases is not limited to named Leases (resourceNames)";
                }
            }
        }
        foreach (var binding in overlay.Objects.Where(o => o.Kind is "RoleBinding" or "ClusterRoleBinding"))
        {
            foreach (var subject in binding.Json["subjects"] as JsonArray ?? [])
            {
                if ((string?)subject?["kind"] != "ServiceAccount" || !ApiClients.Contains((string?)subject["name"]))
                    yield return $"{binding}: binds {subject?["kind"]} {subject?["name"]}, which needs no API access";
            }
        }
    }

    /// <summary>
    /// The policy service account can do what the runtime inventory needs: list and watch pods everywhere, get the
    /// ReplicaSets and Jobs that own them, and get, create and update its leader-election Lease in its own namespace;
    /// its pods learn their name (the election identity) and namespace from the downward API.
    /// </summary>
    public static IEnumerable<string> PolicyCanKeepTheInventory(RenderedOverlay overlay)
    {
        (string Verb, string Group, string Resource, string? Ns, string? Name)[] needs =
        [
            ("list", "", "pods", null, null), ("watch", "", "pods", null, null),
            ("get", "apps", "replicasets", "shop", "web-7d4b9c"), ("get", "batch", "jobs", "shop", "report-29000000"),
            ("get", "coordination.k8s.io", "leases", Namespace, InventoryLease),
            ("create", "coordination.k8s.io", "leases", Namespace, null),
            ("update", "coordination.k8s.io", "leases", Namespace, InventoryLease),
        ];
        foreach (var (verb, group, resource, ns, name) in needs)
        {
            if (!Allows(overlay, Namespace, PolicyAccount, verb, group, resource, ns, name))
                yield return $"{PolicyAccount} may not {verb} {group}/{resource}{(name is null ? "" : " " + name)} in {ns ?? "all namespaces"}";
        }
        if (Allows(overlay, Namespace, PolicyAccount, "update", "coordination.k8s.io", "leases", "kube-system", "kube-controller-manager"))
            yield return $"{PolicyAccount} may update Leases outside its own (the controller manager's, even)";

        var pods = PodTemplates(overlay).Where(t => t.Owner.Kind == "Deployment" && t.Owner.Name == PolicyAccount).ToList();
        if (pods.Count == 0) yield return $"no {PolicyAccount} Deployment rendered";
        foreach (var (owner, spec, _) in pods)
        {
            foreach (var container in Containers(spec))
            {
                foreach (var (env, field) in new[] { ("POD_NAME", "metadata.name"), ("POD_NAMESPACE", "metadata.namespace") })
                {
                    var entry = (container["env"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(e => (string?)e["name"] == env);
                    if ((string?)entry?["valueFrom"]?["fieldRef"]?["fieldPath"] != field)
                        yield return $"{owner} container {container["name"]}: {env} is not the downward API's {field}";
                }
            }
        }
    }

    /// <summary>
    /// Whether the rendered bindings let a service account do <paramref name="verb"/> on a resource: a ClusterRoleBinding
    /// everywhere, a RoleBinding only in its namespace; a rule with resourceNames only for those names (never for a
    /// create or a list, whose object has no name yet). <paramref name="ns"/> null: across all namespaces.
    /// </summary>
    public static bool Allows(RenderedOverlay overlay, string accountNs, string account, string verb, string group, string resource, string? ns, string? name)
    {
        foreach (var binding in overlay.Objects.Where(o => o.Kind is "RoleBinding" or "ClusterRoleBinding"))
        {
            var subjects = (binding.Json["subjects"] as JsonArray ?? []).OfType<JsonObject>();
            if (!subjects.Any(s => (string?)s["kind"] == "ServiceAccount" && (string?)s["name"] == account && (string?)s["namespace"] == accountNs)) continue;
            if (binding.Kind == "RoleBinding" && binding.Namespace != ns) continue;
            var roleKind = (string?)binding.Json["roleRef"]?["kind"];
            var role = overlay.Objects.FirstOrDefault(o => o.Kind == roleKind && o.Name == (string?)binding.Json["roleRef"]?["name"]
                && (roleKind == "ClusterRole" || o.Namespace == binding.Namespace));
            foreach (var rule in (role?.Json["rules"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var names = Strings(rule, "resourceNames").ToList();
                if (Strings(rule, "verbs").Contains(verb) && Strings(rule, "apiGroups").Contains(group) && Strings(rule, "resources").Contains(resource)
                    && (names.Count == 0 || (name is not null && names.Contains(name))))
                    return true;
            }
        }
        return false;
    }

    private static IEnumerable<string> Strings(JsonObject rule, string field) => (rule[field] as JsonArray ?? []).Select(v => (string?)v ?? "");
}
