using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Policy.Model;
using k8s;
using k8s.Autorest;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gatehouse.Policy.Sources;

/// <summary>What the Kubernetes source needs from the API server (a fake in tests).</summary>
public interface IImagePolicyApi
{
    /// <summary>All ImagePolicy objects and the list's resourceVersion.</summary>
    Task<(IReadOnlyList<JsonObject> Items, string ResourceVersion)> ListAsync(CancellationToken cancellationToken);

    /// <summary>Changes after <paramref name="resourceVersion"/> until the server closes the watch.</summary>
    IAsyncEnumerable<(WatchEventType Type, JsonObject Item)> WatchAsync(string resourceVersion, CancellationToken cancellationToken);

    /// <summary>The value of a key of a Secret, or null when the Secret or key does not exist.</summary>
    Task<string?> ReadSecretAsync(string @namespace, string name, string key, CancellationToken cancellationToken);
}

/// <summary>
/// ImagePolicy custom resources by list + watch (re-listing whenever the watch ends or its resourceVersion
/// expires). Each resource is validated alone: an invalid one is logged and left out, the others stay in force.
/// Keys in Secrets are read when the policy is (re)loaded.
/// </summary>
public sealed partial class KubernetesPolicySource(
    IImagePolicyApi api, PolicySetHolder holder, IOptions<PolicyOptions> options, TimeProvider time, ILogger<KubernetesPolicySource> logger)
    : BackgroundService
{
    /// <summary>Namespace of Secrets named without one (the service's own namespace in a cluster).</summary>
    public string DefaultSecretNamespace { get; init; } = ReadServiceNamespace();

    private readonly Dictionary<string, JsonObject> _objects = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var (items, resourceVersion) = await api.ListAsync(stoppingToken);
                _objects.Clear();
                foreach (var item in items) _objects[NameOf(item)] = item;
                await ApplyAsync(stoppingToken);
                await foreach (var (type, item) in api.WatchAsync(resourceVersion, stoppingToken))
                {
                    if (type == WatchEventType.Deleted) _objects.Remove(NameOf(item));
                    else if (type is WatchEventType.Added or WatchEventType.Modified) _objects[NameOf(item)] = item;
                    else continue;
                    await ApplyAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpOperationException or HttpRequestException or IOException or JsonException or KubernetesException)
            {
                LogWatchFailed(logger, ex.Message);
                await Task.Delay(options.Value.WatchRetryDelay, time, stoppingToken);
            }
        }
    }

    /// <summary>Validates every known object and replaces the policy set with the valid ones.</summary>
    public async Task ApplyAsync(CancellationToken cancellationToken)
    {
        var policies = new List<ImagePolicy>();
        foreach (var (name, item) in _objects.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            var secrets = await ReadSecretsAsync(item, cancellationToken);
            var loadOptions = new PolicyLoadOptions(time.GetUtcNow(), ExpiredExceptionsAreErrors: false,
                reference => secrets.GetValueOrDefault(Key(reference)));
            var result = ImagePolicyLoader.LoadObject(item, $"kubernetes:{ImagePolicy.Plural}/{name}", loadOptions);
            foreach (var issue in result.Issues) LogInvalid(logger, issue);
            if (result.Succeeded) policies.AddRange(result.Policies);
        }
        // Two resources claiming one profile: neither is trusted over the other, so both are left out.
        var duplicated = policies.GroupBy(p => p.Profile, StringComparer.Ordinal).Where(g => g.Count() > 1).ToList();
        foreach (var group in duplicated) LogDuplicateProfile(logger, group.Key, group.Select(p => p.Metadata.Name));
        policies.RemoveAll(p => duplicated.Any(g => g.Key == p.Profile));
        if (holder.Replace(policies))
            LogLoaded(logger, policies.Count, holder.Current.Profiles, holder.Current.Generation);
    }

    /// <summary>Replaces the known objects (tests, and a re-list).</summary>
    public void SetObjects(IEnumerable<JsonObject> items)
    {
        _objects.Clear();
        foreach (var item in items) _objects[NameOf(item)] = item;
    }

    private async Task<Dictionary<string, string>> ReadSecretsAsync(JsonObject item, CancellationToken cancellationToken)
    {
        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        var signatures = item["spec"]?["signatures"];
        var authorities = (signatures?["anyOf"] as JsonArray ?? []).Concat(signatures?["allOf"] as JsonArray ?? []);
        foreach (var secretRef in authorities.Select(a => a?["key"]?["secretRef"]).OfType<JsonObject>())
        {
            if (secretRef["name"]?.GetValueKind() != JsonValueKind.String) continue;
            var reference = new SecretKeyReference(secretRef["name"]!.GetValue<string>(), secretRef["namespace"]?.ToString(),
                secretRef["key"]?.ToString() ?? SecretKeyReference.DefaultKey);
            var value = await api.ReadSecretAsync(reference.Namespace ?? DefaultSecretNamespace, reference.Name, reference.Key, cancellationToken);
            if (value is not null) secrets[Key(reference)] = value;
        }
        return secrets;
    }

    private static string Key(SecretKeyReference reference) => $"{reference.Namespace}/{reference.Name}/{reference.Key}";

    private static string NameOf(JsonObject item) => item["metadata"]?["name"]?.ToString() ?? "";

    private static string ReadServiceNamespace()
    {
        const string path = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
        return File.Exists(path) ? File.ReadAllText(path).Trim() : "default";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Count} image policies from Kubernetes ({Profiles}), policy set generation {Generation}")]
    private static partial void LogLoaded(ILogger logger, int count, IEnumerable<string> profiles, long generation);

    [LoggerMessage(Level = LogLevel.Error, Message = "ImagePolicy rejected: {Issue}")]
    private static partial void LogInvalid(ILogger logger, PolicyIssue issue);

    [LoggerMessage(Level = LogLevel.Error, Message = "Profile {Profile} is defined by several ImagePolicies ({Names}); none of them is applied")]
    private static partial void LogDuplicateProfile(ILogger logger, string profile, IEnumerable<string> names);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ImagePolicy watch failed ({Reason}); listing again")]
    private static partial void LogWatchFailed(ILogger logger, string reason);
}

/// <summary>The API server through KubernetesClient's custom-object operations (group gatehouse.dev).</summary>
public sealed class KubernetesImagePolicyApi(IKubernetes client) : IImagePolicyApi
{
    public async Task<(IReadOnlyList<JsonObject> Items, string ResourceVersion)> ListAsync(CancellationToken cancellationToken)
    {
        using var response = await client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<JsonElement>(
            ImagePolicy.Group, ImagePolicy.Version, ImagePolicy.Plural, cancellationToken: cancellationToken);
        var list = JsonNode.Parse(response.Body.GetRawText()) as JsonObject ?? [];
        var items = (list["items"] as JsonArray ?? []).OfType<JsonObject>().Select(i => (JsonObject)i.DeepClone()).ToList();
        return (items, list["metadata"]?["resourceVersion"]?.ToString() ?? "");
    }

    public async IAsyncEnumerable<(WatchEventType Type, JsonObject Item)> WatchAsync(
        string resourceVersion, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var watch = client.CustomObjects.WatchListClusterCustomObjectAsync(
            ImagePolicy.Group, ImagePolicy.Version, ImagePolicy.Plural, allowWatchBookmarks: true, resourceVersion: resourceVersion,
            cancellationToken: cancellationToken);
        await foreach (var (type, raw) in watch)
        {
            var item = raw is JsonElement element ? element : JsonSerializer.SerializeToElement(raw?.ToString() ?? "null");
            if (type == WatchEventType.Error)
            {
                // Typically 410 Gone: the resourceVersion is too old; the caller lists again.
                throw new KubernetesException(item.TryGetProperty("message", out var message) ? message.ToString() : "watch error");
            }
            if (JsonNode.Parse(item.GetRawText()) is JsonObject obj) yield return (type, obj);
        }
    }

    public async Task<string?> ReadSecretAsync(string @namespace, string name, string key, CancellationToken cancellationToken)
    {
        try
        {
            var secret = await client.CoreV1.ReadNamespacedSecretAsync(name, @namespace, cancellationToken: cancellationToken);
            return secret.Data?.TryGetValue(key, out var bytes) == true ? System.Text.Encoding.UTF8.GetString(bytes) : null;
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
