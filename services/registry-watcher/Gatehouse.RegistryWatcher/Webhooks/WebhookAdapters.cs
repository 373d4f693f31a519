using Gatehouse.RegistryWatcher.Webhooks.Distribution;

namespace Gatehouse.RegistryWatcher.Webhooks;

/// <summary>The built-in webhook adapters, listed once. Duplicate names are rejected at start-up.</summary>
public sealed class WebhookAdapters
{
    private readonly Dictionary<string, IWebhookAdapter> _byName;

    public static IReadOnlyList<IWebhookAdapter> BuiltIn() => [new DistributionWebhookAdapter()];

    public WebhookAdapters(IEnumerable<IWebhookAdapter> adapters)
    {
        _byName = new Dictionary<string, IWebhookAdapter>(StringComparer.OrdinalIgnoreCase);
        foreach (var adapter in adapters)
        {
            if (!_byName.TryAdd(adapter.Name, adapter))
                throw new InvalidOperationException($"Two webhook adapters are named '{adapter.Name}'; adapter names must be unique.");
        }
    }

    public IReadOnlyCollection<IWebhookAdapter> All => _byName.Values;

    public bool TryGet(string name, out IWebhookAdapter adapter) => _byName.TryGetValue(name, out adapter!);
}
