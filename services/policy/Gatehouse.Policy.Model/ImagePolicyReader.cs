using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Gatehouse.Policy.Model;

/// <summary>
/// Turns one parsed document into an <see cref="ImagePolicy"/>, validating strictly: unknown fields, wrong
/// types, bad regexes, globs, durations and keys, empty identities, expired allow-list entries. Every problem
/// is reported with its line and field path; a policy with any error is not returned.
/// </summary>
public static partial class ImagePolicyReader
{
    // Fields the API server adds to metadata; accepted and ignored so `kubectl get -o yaml` output loads.
    private static readonly string[] MetadataFields =
    [
        "name", "labels", "annotations", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields",
        "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds", "finalizers", "ownerReferences", "generateName", "namespace",
    ];

    private static readonly string[] SpecFields =
    [
        "profile", "namespaceSelector", "mode", "registries", "requireDigest", "signatures", "vulnerabilities",
        "baseImages", "unknownImages", "failureMode", "breakGlass", "promote",
    ];

    /// <summary>Reads <paramref name="root"/> (one ImagePolicy object); issues are appended to <paramref name="issues"/>.</summary>
    public static ImagePolicy? Read(SourceDocument document, JsonObject root, PolicyLoadOptions options, List<PolicyIssue> issues)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(options);
        var reader = new NodeReader(document, issues);
        var errorsBefore = reader.ErrorCount;
        reader.OnlyKnown(root, "", "apiVersion", "kind", "metadata", "spec", "status");
        var apiVersion = reader.String(root, "", "apiVersion", required: true);
        if (apiVersion is not null && apiVersion != ImagePolicy.ApiVersion)
            reader.Error(root["apiVersion"], "apiVersion", $"must be {ImagePolicy.ApiVersion} (was '{apiVersion}')");
        var kind = reader.String(root, "", "kind", required: true);
        if (kind is not null && kind != ImagePolicy.Kind)
            reader.Error(root["kind"], "kind", $"must be {ImagePolicy.Kind} (was '{kind}')");

        var metadata = ReadMetadata(reader, root);
        var specNode = reader.Object(root, "", "spec", required: true);
        var keyIds = new List<string>();
        var spec = specNode is null ? null : ReadSpec(reader, specNode, options, keyIds);
        if (metadata is null || spec is null || specNode is null || reader.ErrorCount > errorsBefore) return null;
        return new ImagePolicy(metadata, spec, PolicyFingerprint.Compute(specNode, keyIds));
    }

    private static PolicyMetadata? ReadMetadata(NodeReader reader, JsonObject root)
    {
        var metadata = reader.Object(root, "", "metadata", required: true);
        if (metadata is null) return null;
        reader.OnlyKnown(metadata, "metadata", MetadataFields);
        if (metadata["namespace"] is { } ns)
            reader.Error(ns, "metadata.namespace", "ImagePolicy is cluster-scoped; remove the namespace (spec.namespaceSelector chooses namespaces)");
        var name = reader.String(metadata, "metadata", "name", required: true);
        if (name is not null && (name.Length > 253 || !DnsSubdomain().IsMatch(name)))
            reader.Error(metadata["name"], "metadata.name", $"'{name}' is not a valid name (lowercase letters, digits, '-' and '.', at most 253)");
        var labels = reader.StringMap(metadata, "metadata", "labels");
        var annotations = reader.StringMap(metadata, "metadata", "annotations");
        var uid = metadata["uid"]?.ToString();
        var resourceVersion = metadata["resourceVersion"]?.ToString();
        var generation = metadata["generation"] is null ? null : reader.Integer(metadata, "metadata", "generation");
        return name is null ? null : new PolicyMetadata(name, labels, annotations, uid, resourceVersion, generation);
    }

    private static ImagePolicySpec? ReadSpec(NodeReader reader, JsonObject spec, PolicyLoadOptions options, List<string> keyIds)
    {
        const string path = "spec";
        reader.OnlyKnown(spec, path, SpecFields);
        var profile = reader.String(spec, path, "profile", required: true);
        if (profile is not null && (profile.Length > 63 || !DnsLabel().IsMatch(profile)))
            reader.Error(spec["profile"], "spec.profile", $"'{profile}' must be a DNS label: lowercase letters, digits and '-', at most 63, e.g. 'prod'");

        var registries = new List<RegistryPattern>();
        var patterns = reader.Strings(spec, path, "registries", nonEmpty: true);
        for (var i = 0; i < patterns.Count; i++)
        {
            if (RegistryPattern.TryParse(patterns[i], out var pattern, out var error)) registries.Add(pattern);
            else reader.Error(spec["registries"]?[i], NodeReader.Item("spec.registries", i), error);
        }

        var result = new ImagePolicySpec
        {
            Profile = profile ?? "",
            NamespaceSelector = ReadSelector(reader, spec, path),
            Mode = (PolicyMode)(reader.Choice(spec, path, "mode", PolicyValues.Modes) ?? 0),
            Registries = registries,
            RequireDigest = reader.Bool(spec, path, "requireDigest") ?? false,
            Signatures = reader.Object(spec, path, "signatures") is { } signatures ? ReadSignatures(reader, signatures, options, keyIds) : null,
            Vulnerabilities = reader.Object(spec, path, "vulnerabilities") is { } vulnerabilities ? ReadVulnerabilities(reader, vulnerabilities, options) : null,
            BaseImages = reader.Object(spec, path, "baseImages") is { } baseImages ? ReadBaseImages(reader, baseImages) : null,
            UnknownImages = (UnknownImageAction)(reader.Choice(spec, path, "unknownImages", PolicyValues.UnknownImageActions) ?? 0),
            FailureMode = (FailureMode)(reader.Choice(spec, path, "failureMode", PolicyValues.FailureModes) ?? 0),
            BreakGlass = reader.Object(spec, path, "breakGlass") is { } breakGlass ? ReadBreakGlass(reader, breakGlass) : null,
            Promote = reader.Bool(spec, path, "promote") ?? false,
        };
        return profile is null ? null : result;
    }

    private static LabelSelector? ReadSelector(NodeReader reader, JsonObject spec, string specPath)
    {
        var selector = reader.Object(spec, specPath, "namespaceSelector");
        if (selector is null) return null;
        var path = NodeReader.Child(specPath, "namespaceSelector");
        reader.OnlyKnown(selector, path, "matchLabels", "matchExpressions");
        var matchLabels = reader.StringMap(selector, path, "matchLabels");
        foreach (var key in matchLabels.Keys.Where(k => !IsLabelKey(k)))
            reader.Error(selector["matchLabels"], NodeReader.Child(path, "matchLabels"), $"'{key}' is not a valid label key");
        var expressions = new List<LabelSelectorRequirement>();
        var array = reader.Array(selector, path, "matchExpressions");
        for (var i = 0; i < (array?.Count ?? 0); i++)
        {
            var itemPath = NodeReader.Item(NodeReader.Child(path, "matchExpressions"), i);
            if (array![i] is not JsonObject item)
            {
                reader.Error(array[i] ?? array, itemPath, "must be a mapping with key, operator and values");
                continue;
            }
            reader.OnlyKnown(item, itemPath, "key", "operator", "values");
            var key = reader.String(item, itemPath, "key", required: true);
            if (key is not null && !IsLabelKey(key)) reader.Error(item["key"], NodeReader.Child(itemPath, "key"), $"'{key}' is not a valid label key");
            var op = reader.Choice(item, itemPath, "operator", ["In", "NotIn", "Exists", "DoesNotExist"]);
            if (item["operator"] is null) reader.Error(item, NodeReader.Child(itemPath, "operator"), "is required (In, NotIn, Exists or DoesNotExist)");
            var values = reader.Strings(item, itemPath, "values");
            if (op is 0 or 1 && values.Count == 0)
                reader.Error(item, NodeReader.Child(itemPath, "values"), "must list at least one value for In and NotIn");
            if (op is 2 or 3 && values.Count > 0)
                reader.Error(item["values"], NodeReader.Child(itemPath, "values"), "must be empty for Exists and DoesNotExist");
            if (key is not null && op is { } o) expressions.Add(new LabelSelectorRequirement(key, (SelectorOperator)o, values));
        }
        return new LabelSelector(matchLabels, expressions);
    }

    // Kubernetes qualified name with an optional DNS-subdomain prefix ("gatehouse.dev/profile").
    private static bool IsLabelKey(string key)
    {
        var slash = key.LastIndexOf('/');
        var name = slash < 0 ? key : key[(slash + 1)..];
        var prefix = slash < 0 ? null : key[..slash];
        return name.Length is > 0 and <= 63 && QualifiedName().IsMatch(name) &&
               (prefix is null || (prefix.Length <= 253 && DnsSubdomain().IsMatch(prefix)));
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial Regex QualifiedName();
}
