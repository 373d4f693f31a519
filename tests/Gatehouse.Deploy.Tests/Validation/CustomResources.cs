using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Deploy.Tests.Rendering;
using Json.Schema;

namespace Gatehouse.Deploy.Tests.Validation;

/// <summary>
/// Objects of kinds without a typed model. Our own (ImagePolicy) are checked against the CRD that the same
/// overlay renders; third-party kinds against the subset of their operators' schemas that these manifests use,
/// with unknown fields rejected so that a typo cannot pass as "some field the operator knows".
/// </summary>
public static class CustomResources
{
    /// <summary>Validation errors of <paramref name="manifest"/>, or null when its kind is not known here at all.</summary>
    public static IReadOnlyList<string>? Validate(Manifest manifest, RenderedOverlay overlay)
    {
        var schema = SchemaFor(manifest, overlay);
        if (schema is null) return null;
        var results = schema.Evaluate(JsonSerializer.SerializeToElement(manifest.Json), new EvaluationOptions { OutputFormat = OutputFormat.List });
        return results.IsValid ? [] : Describe(results);
    }

    private static JsonSchema? SchemaFor(Manifest manifest, RenderedOverlay overlay)
    {
        var crd = overlay.OfKind("CustomResourceDefinition").FirstOrDefault(c =>
            (string?)c.Json["spec"]?["group"] == manifest.Group && (string?)c.Json["spec"]?["names"]?["kind"] == manifest.Kind);
        if (crd is not null) return FromCrd(crd, manifest.ApiVersion);
        return ThirdParty.TryGetValue((manifest.ApiVersion, manifest.Kind), out var text)
            ? JsonSchema.FromText(text.Replace("@METADATA@", Metadata, StringComparison.Ordinal).Replace("@RESOURCES@", Resources, StringComparison.Ordinal))
            : null;
    }

    /// <summary>
    /// The CRD version's openAPIV3Schema as JSON Schema. Structural schemas are JSON Schema plus x-kubernetes-*
    /// extensions (CEL rules, which the API server evaluates and we cannot); the API server prunes unknown fields,
    /// which would silently drop a misspelt one, so here every object that lists its properties allows no others.
    /// </summary>
    public static JsonSchema FromCrd(Manifest crd, string apiVersion)
    {
        var versionName = apiVersion[(apiVersion.IndexOf('/', StringComparison.Ordinal) + 1)..];
        var version = (crd.Json["spec"]?["versions"] as JsonArray ?? []).FirstOrDefault(v => (string?)v?["name"] == versionName)
            ?? throw new InvalidOperationException($"{crd} serves no version {versionName}");
        var schema = version["schema"]?["openAPIV3Schema"]?.DeepClone() ?? throw new InvalidOperationException($"{crd} {versionName} has no openAPIV3Schema");
        Structural(schema);
        return JsonSchema.Build(JsonSerializer.SerializeToElement(schema));
    }

    private static void Structural(JsonNode? node)
    {
        if (node is JsonArray array)
        {
            foreach (var item in array) Structural(item);
            return;
        }
        if (node is not JsonObject obj) return;
        foreach (var key in obj.Select(p => p.Key).Where(k => k.StartsWith("x-kubernetes-", StringComparison.Ordinal)).ToList()) obj.Remove(key);
        if (obj["properties"] is JsonObject properties && properties.Count > 0 && !obj.ContainsKey("additionalProperties"))
            obj["additionalProperties"] = false;
        foreach (var (_, child) in obj.ToList()) Structural(child);
    }

    private static List<string> Describe(EvaluationResults results) =>
        (results.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}")).ToList();

    private const string Metadata = """
        "apiVersion": {"type": "string"}, "kind": {"type": "string"},
        "metadata": {"type": "object", "required": ["name", "namespace"], "properties": {"name": {"type": "string", "minLength": 1}, "namespace": {"type": "string", "minLength": 1}}}
        """;

    private const string Resources = """
        {"type": "object", "additionalProperties": false, "properties": {
          "requests": {"type": "object", "additionalProperties": {"type": ["string", "number"]}},
          "limits": {"type": "object", "additionalProperties": {"type": ["string", "number"]}}}}
        """;

    /// <summary>
    /// The parts of cert-manager v1, KEDA v1alpha1 and RabbitMQ cluster operator v1beta1 schemas these manifests use
    /// (@METADATA@ and @RESOURCES@ stand for the shared fragments above).
    /// </summary>
    private static readonly Dictionary<(string, string), string> ThirdParty = new()
    {
        [("cert-manager.io/v1", "Issuer")] = """
            {"type": "object", "required": ["metadata", "spec"], "additionalProperties": false, "properties": { @METADATA@,
              "spec": {"type": "object", "minProperties": 1, "maxProperties": 1, "additionalProperties": false, "properties": {
                "selfSigned": {"type": "object"}, "ca": {"type": "object", "required": ["secretName"]}, "acme": {"type": "object"},
                "vault": {"type": "object"}, "venafi": {"type": "object"}}}}}
            """,
        [("cert-manager.io/v1", "Certificate")] = """
            {"type": "object", "required": ["metadata", "spec"], "additionalProperties": false, "properties": { @METADATA@,
              "spec": {"type": "object", "required": ["secretName", "issuerRef"], "additionalProperties": false, "properties": {
                "secretName": {"type": "string", "minLength": 1},
                "issuerRef": {"type": "object", "required": ["name"], "additionalProperties": false, "properties": {
                  "name": {"type": "string"}, "kind": {"enum": ["Issuer", "ClusterIssuer"]}, "group": {"type": "string"}}},
                "commonName": {"type": "string", "maxLength": 64},
                "dnsNames": {"type": "array", "minItems": 1, "items": {"type": "string"}},
                "duration": {"type": "string", "pattern": "^([0-9]+(\\.[0-9]+)?(h|m|s))+$"},
                "renewBefore": {"type": "string", "pattern": "^([0-9]+(\\.[0-9]+)?(h|m|s))+$"},
                "privateKey": {"type": "object", "additionalProperties": false, "properties": {
                  "algorithm": {"enum": ["RSA", "ECDSA", "Ed25519"]}, "size": {"type": "integer"},
                  "encoding": {"enum": ["PKCS1", "PKCS8"]}, "rotationPolicy": {"enum": ["Never", "Always"]}}},
                "usages": {"type": "array", "items": {"enum": ["signing", "digital signature", "content commitment", "key encipherment",
                  "key agreement", "data encipherment", "cert sign", "crl sign", "encipher only", "decipher only", "any",
                  "server auth", "client auth", "code signing", "email protection", "s/mime", "ipsec end system",
                  "ipsec tunnel", "ipsec user", "timestamping", "ocsp signing", "microsoft sgc", "netscape sgc"]}},
                "isCA": {"type": "boolean"}, "ipAddresses": {"type": "array", "items": {"type": "string"}},
                "secretTemplate": {"type": "object"}, "subject": {"type": "object"}, "revisionHistoryLimit": {"type": "integer"}}}}}
            """,
        [("keda.sh/v1alpha1", "ScaledObject")] = """
            {"type": "object", "required": ["metadata", "spec"], "additionalProperties": false, "properties": { @METADATA@,
              "spec": {"type": "object", "required": ["scaleTargetRef", "triggers"], "additionalProperties": false, "properties": {
                "scaleTargetRef": {"type": "object", "required": ["name"], "additionalProperties": false, "properties": {
                  "name": {"type": "string"}, "kind": {"type": "string"}, "apiVersion": {"type": "string"}, "envSourceContainerName": {"type": "string"}}},
                "minReplicaCount": {"type": "integer", "minimum": 0}, "maxReplicaCount": {"type": "integer", "minimum": 1},
                "idleReplicaCount": {"type": "integer"}, "pollingInterval": {"type": "integer"}, "cooldownPeriod": {"type": "integer"},
                "initialCooldownPeriod": {"type": "integer"}, "advanced": {"type": "object"}, "fallback": {"type": "object"},
                "triggers": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["type", "metadata"], "additionalProperties": false, "properties": {
                  "type": {"type": "string"}, "name": {"type": "string"}, "useCachedMetrics": {"type": "boolean"}, "metricType": {"type": "string"},
                  "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
                  "authenticationRef": {"type": "object", "required": ["name"], "additionalProperties": false, "properties": {
                    "name": {"type": "string"}, "kind": {"enum": ["TriggerAuthentication", "ClusterTriggerAuthentication"]}}}}}}}}}}
            """,
        [("keda.sh/v1alpha1", "TriggerAuthentication")] = """
            {"type": "object", "required": ["metadata", "spec"], "additionalProperties": false, "properties": { @METADATA@,
              "spec": {"type": "object", "minProperties": 1, "additionalProperties": false, "properties": {
                "secretTargetRef": {"type": "array", "items": {"type": "object", "required": ["parameter", "name", "key"], "additionalProperties": false, "properties": {
                  "parameter": {"type": "string"}, "name": {"type": "string"}, "key": {"type": "string"}}}},
                "configMapTargetRef": {"type": "array"}, "env": {"type": "array"}, "podIdentity": {"type": "object"}, "hashiCorpVault": {"type": "object"}}}}}
            """,
        [("rabbitmq.com/v1beta1", "RabbitmqCluster")] = """
            {"type": "object", "required": ["metadata"], "additionalProperties": false, "properties": { @METADATA@,
              "spec": {"type": "object", "additionalProperties": false, "properties": {
                "replicas": {"type": "integer", "minimum": 0}, "image": {"type": "string"}, "imagePullSecrets": {"type": "array"},
                "resources": @RESOURCES@,
                "persistence": {"type": "object", "additionalProperties": false, "properties": {"storage": {"type": ["string", "number"]}, "storageClassName": {"type": "string"}}},
                "rabbitmq": {"type": "object", "additionalProperties": false, "properties": {
                  "additionalPlugins": {"type": "array", "maxItems": 100, "items": {"type": "string", "pattern": "^\\w+$"}},
                  "additionalConfig": {"type": "string", "maxLength": 2000}, "advancedConfig": {"type": "string"},
                  "envConfig": {"type": "string"}, "erlangInetConfig": {"type": "string"}}},
                "override": {"type": "object", "additionalProperties": false, "properties": {"statefulSet": {"type": "object"}, "service": {"type": "object"}}},
                "service": {"type": "object"}, "tls": {"type": "object"}, "affinity": {"type": "object"}, "tolerations": {"type": "array"},
                "terminationGracePeriodSeconds": {"type": "integer"}, "skipPostDeploySteps": {"type": "boolean"}, "delayStartSeconds": {"type": "integer"},
                "secretBackend": {"type": "object"}, "autoEnableAllFeatureFlags": {"type": "boolean"}}}}}
            """,
    };
}
