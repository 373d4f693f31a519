using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gatehouse.Contracts;

namespace Gatehouse.Policy.Model;

public static partial class ImagePolicyReader
{
    /// <summary>Longest break-glass window a profile may grant: overrides are for incidents, not for standing exceptions.</summary>
    public static readonly TimeSpan MaxBreakGlassDuration = TimeSpan.FromDays(7);

    private static SignaturePolicy? ReadSignatures(NodeReader reader, JsonObject signatures, PolicyLoadOptions options, List<string> keyIds)
    {
        const string path = "spec.signatures";
        reader.OnlyKnown(signatures, path, "anyOf", "allOf");
        var anyOf = reader.Array(signatures, path, "anyOf", nonEmpty: true);
        var allOf = reader.Array(signatures, path, "allOf", nonEmpty: true);
        if ((anyOf is null) == (allOf is null))
        {
            reader.Error(signatures, path, "needs exactly one of anyOf or allOf, each a list of authorities");
            return null;
        }
        var (match, list, field) = anyOf is not null ? (SignatureMatch.AnyOf, anyOf, "anyOf") : (SignatureMatch.AllOf, allOf!, "allOf");
        var authorities = new List<SignatureAuthority>();
        for (var i = 0; i < list.Count; i++)
        {
            var itemPath = NodeReader.Item(NodeReader.Child(path, field), i);
            if (list[i] is not JsonObject item)
            {
                reader.Error(list[i] ?? list, itemPath, "must be a mapping with keyless or key");
                continue;
            }
            if (ReadAuthority(reader, item, itemPath, i, options, keyIds) is { } authority) authorities.Add(authority);
        }
        foreach (var duplicate in authorities.GroupBy(a => a.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
            reader.Error(list, NodeReader.Child(path, field), $"authority name '{duplicate.Key}' is used more than once");
        return new SignaturePolicy(match, authorities);
    }

    private static SignatureAuthority? ReadAuthority(NodeReader reader, JsonObject item, string path, int index, PolicyLoadOptions options, List<string> keyIds)
    {
        reader.OnlyKnown(item, path, "name", "keyless", "key");
        var name = reader.String(item, path, "name") ?? $"authority-{index + 1}";
        var keyless = reader.Object(item, path, "keyless");
        var key = reader.Object(item, path, "key");
        if ((keyless is null) == (key is null))
        {
            reader.Error(item, path, "needs exactly one of keyless (identity and issuer) or key (publicKey or secretRef)");
            return null;
        }
        if (keyless is not null)
        {
            var keylessPath = NodeReader.Child(path, "keyless");
            reader.OnlyKnown(keyless, keylessPath, "identity", "identityRegex", "issuer", "issuerRegex");
            var subject = ReadMatcher(reader, keyless, keylessPath, "identity", "identityRegex");
            var issuer = ReadMatcher(reader, keyless, keylessPath, "issuer", "issuerRegex");
            if (issuer?.Exact is { } exact && !(Uri.TryCreate(exact, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"))
                reader.Error(keyless["issuer"], NodeReader.Child(keylessPath, "issuer"),
                    $"'{exact}' is not an OIDC issuer URL (e.g. https://token.actions.githubusercontent.com)");
            return subject is null || issuer is null ? null : new SignatureAuthority(name, new KeylessAuthority(subject, issuer), null);
        }

        var keyPath = NodeReader.Child(path, "key");
        reader.OnlyKnown(key!, keyPath, "publicKey", "secretRef");
        var pem = reader.String(key!, keyPath, "publicKey");
        var secretNode = reader.Object(key!, keyPath, "secretRef");
        if ((pem is null) == (secretNode is null))
        {
            reader.Error(key, keyPath, "needs exactly one of publicKey (PEM) or secretRef");
            return null;
        }
        SecretKeyReference? secretRef = null;
        var pemPath = NodeReader.Child(keyPath, "publicKey");
        if (secretNode is not null)
        {
            var secretPath = NodeReader.Child(keyPath, "secretRef");
            reader.OnlyKnown(secretNode, secretPath, "name", "namespace", "key");
            var secretName = reader.String(secretNode, secretPath, "name", required: true);
            if (secretName is null) return null;
            secretRef = new SecretKeyReference(secretName, reader.String(secretNode, secretPath, "namespace"),
                reader.String(secretNode, secretPath, "key") ?? SecretKeyReference.DefaultKey);
            pem = options.ResolveSecretKey?.Invoke(secretRef);
            pemPath = secretPath;
            if (pem is null)
            {
                reader.Error(secretNode, secretPath, options.ResolveSecretKey is null
                    ? "secretRef keys are resolved only when loading from Kubernetes; put the PEM in publicKey for files"
                    : $"secret '{secretRef.Namespace}/{secretRef.Name}' has no key '{secretRef.Key}'");
                return null;
            }
        }
        if (!PublicKeys.TryKeyId(pem!, out var keyId, out var error))
        {
            reader.Error(key, pemPath, error);
            return null;
        }
        keyIds.Add(keyId);
        return new SignatureAuthority(name, null, new KeyAuthority(pem!, keyId, secretRef));
    }

    private static IdentityMatcher? ReadMatcher(NodeReader reader, JsonObject obj, string path, string exactField, string regexField)
    {
        var errors = reader.ErrorCount;
        var exact = reader.String(obj, path, exactField);
        var regex = reader.String(obj, path, regexField);
        if (reader.ErrorCount > errors) return null;
        if ((exact is null) == (regex is null))
        {
            reader.Error(obj, NodeReader.Child(path, exactField),
                exact is null ? $"is required: set {exactField} (exact) or {regexField}" : $"set either {exactField} or {regexField}, not both");
            return null;
        }
        if (exact is not null) return IdentityMatcher.ForExact(exact);
        if (IdentityMatcher.TryRegex(regex!, out var matcher, out var error)) return matcher;
        reader.Error(obj[regexField], NodeReader.Child(path, regexField), error);
        return null;
    }

    private static VulnerabilityPolicy ReadVulnerabilities(NodeReader reader, JsonObject vulnerabilities, PolicyLoadOptions options)
    {
        const string path = "spec.vulnerabilities";
        reader.OnlyKnown(vulnerabilities, path, "denySeverity", "onlyFixable", "maxScanAge", "allow");
        var severityIndex = reader.Choice(vulnerabilities, path, "denySeverity", PolicyValues.Severities);
        VulnerabilitySeverity? deny = severityIndex is { } s ? VulnerabilitySeverity.Critical - s : null;
        var allow = new List<VulnerabilityException>();
        var array = reader.Array(vulnerabilities, path, "allow");
        for (var i = 0; i < (array?.Count ?? 0); i++)
        {
            var itemPath = NodeReader.Item(NodeReader.Child(path, "allow"), i);
            if (array![i] is not JsonObject item)
            {
                reader.Error(array[i] ?? array, itemPath, "must be a mapping with id, expires and reason");
                continue;
            }
            reader.OnlyKnown(item, itemPath, "id", "expires", "reason");
            var id = reader.String(item, itemPath, "id", required: true);
            if (id is not null && !AdvisoryId().IsMatch(id))
                reader.Error(item["id"], NodeReader.Child(itemPath, "id"), $"'{id}' is not an advisory id (e.g. CVE-2023-5678, GHSA-xxxx-xxxx-xxxx, DSA-5532-1)");
            var expires = reader.Timestamp(item, itemPath, "expires", required: true);
            var reason = reader.String(item, itemPath, "reason", required: true);
            if (expires is { } e && e <= options.Now)
            {
                var message = $"expired at {VulnerabilityException.DescribeExpiry(e)}; remove the entry or renew it with a new date and reason";
                if (options.ExpiredExceptionsAreErrors) reader.Error(item["expires"], NodeReader.Child(itemPath, "expires"), message);
                else reader.Warning(item["expires"], NodeReader.Child(itemPath, "expires"), message);
            }
            if (id is not null && allow.Any(a => string.Equals(a.Id, id, StringComparison.OrdinalIgnoreCase)))
                reader.Error(item["id"], NodeReader.Child(itemPath, "id"), $"'{id}' is listed more than once");
            if (id is not null && expires is not null && reason is not null) allow.Add(new VulnerabilityException(id, expires.Value, reason));
        }
        return new VulnerabilityPolicy(deny, reader.Bool(vulnerabilities, path, "onlyFixable") ?? false,
            reader.Duration(vulnerabilities, path, "maxScanAge"), allow);
    }

    private static BaseImagePolicy ReadBaseImages(NodeReader reader, JsonObject baseImages)
    {
        const string path = "spec.baseImages";
        reader.OnlyKnown(baseImages, path, "approved", "drift");
        var approved = new List<ApprovedBaseImage>();
        var array = reader.Array(baseImages, path, "approved", required: true, nonEmpty: true);
        for (var i = 0; i < (array?.Count ?? 0); i++)
        {
            var itemPath = NodeReader.Item(NodeReader.Child(path, "approved"), i);
            if (array![i] is not JsonObject item)
            {
                reader.Error(array[i] ?? array, itemPath, "must be a mapping with name and layers");
                continue;
            }
            reader.OnlyKnown(item, itemPath, "name", "layers");
            var name = reader.String(item, itemPath, "name", required: true);
            var layers = reader.Strings(item, itemPath, "layers", required: true, nonEmpty: true);
            foreach (var (layer, index) in layers.Select((l, n) => (l, n)))
            {
                if (!ContentDigest.TryParse(layer, out _, out var error))
                    reader.Error(item["layers"]?[index], NodeReader.Item(NodeReader.Child(itemPath, "layers"), index), error);
            }
            if (name is not null && layers.Count > 0) approved.Add(new ApprovedBaseImage(name, layers));
        }
        return new BaseImagePolicy(approved, (DriftAction)(reader.Choice(baseImages, path, "drift", PolicyValues.DriftActions) ?? 0));
    }

    private static BreakGlassPolicy? ReadBreakGlass(NodeReader reader, JsonObject breakGlass)
    {
        const string path = "spec.breakGlass";
        reader.OnlyKnown(breakGlass, path, "allowedGroups", "allowedUsers", "maxDuration", "ticketRequired");
        var groups = reader.Strings(breakGlass, path, "allowedGroups");
        var users = reader.Strings(breakGlass, path, "allowedUsers");
        if (groups.Count == 0 && users.Count == 0)
            reader.Error(breakGlass, NodeReader.Child(path, "allowedGroups"), "must name at least one group (or allowedUsers); omit breakGlass to disable it");
        var maxDuration = reader.Duration(breakGlass, path, "maxDuration", required: true);
        if (maxDuration > MaxBreakGlassDuration)
            reader.Error(breakGlass["maxDuration"], NodeReader.Child(path, "maxDuration"),
                $"must be at most {DurationText.Format(MaxBreakGlassDuration)} (was {DurationText.Format(maxDuration.Value)})");
        return maxDuration is null ? null : new BreakGlassPolicy(groups, users, maxDuration.Value, reader.Bool(breakGlass, path, "ticketRequired") ?? true);
    }

    // OSV ids: CVE-…, GHSA-…, DSA-…, PYSEC-…, GO-…, RUSTSEC-…, DLA-…, USN-…, ALSA-…
    [GeneratedRegex("^[A-Z][A-Z0-9]*-[A-Za-z0-9][A-Za-z0-9.:_-]*$")]
    private static partial Regex AdvisoryId();
}
