using Gatehouse.Contracts;
using Gatehouse.Contracts.Messages;
using Gatehouse.Policy.Impact;
using Gatehouse.ServiceDefaults.Store;
using MassTransit;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Gatehouse.Policy.Inventory;

/// <summary>
/// The admission feed of the runtime inventory: an admitted workload replaces its entry (keyed by namespace, owner
/// kind and name, so re-admissions and rollouts replace rather than accumulate). While some replica's pod watch is
/// synced (<see cref="StoreKeys.InventoryWatchSynced"/>), the watch is the truth and the feed adds nothing.
/// </summary>
public sealed partial class WorkloadAdmittedConsumer(
    IKeyValueStore store, RuntimeInventory inventory, NamespaceProfiles namespaces, ILogger<WorkloadAdmittedConsumer> logger)
    : IConsumer<WorkloadAdmitted>
{
    public const string KeyPrefix = "admission:";

    /// <summary><c>admission:payments/Deployment/api</c>: never a pod key of the watch (<c>namespace/name</c>).</summary>
    public static string KeyOf(string @namespace, string ownerKind, string ownerName) => $"{KeyPrefix}{@namespace}/{ownerKind}/{ownerName}";

    public async Task Consume(ConsumeContext<WorkloadAdmitted> context)
    {
        var message = context.Message;
        if (string.IsNullOrEmpty(message.Namespace) || string.IsNullOrEmpty(message.OwnerKind) || string.IsNullOrEmpty(message.OwnerName))
        {
            LogInvalid(logger, message.Object ?? "?", "namespace, owner kind and owner name are required");
            return;
        }
        try
        {
            // What admission applied is recorded even while the watch is synced: it is how impact knows the governing profiles.
            if (message.Profiles is { Count: > 0 } profiles) await namespaces.RecordAsync(message.Namespace, profiles);
            if (await store.GetAsync(StoreKeys.InventoryWatchSynced) is not null) return;
            var entries = new List<WorkloadEntry>();
            foreach (var container in message.Containers ?? [])
            {
                if (!ContentDigest.IsValid(container.Digest))
                {
                    LogInvalid(logger, message.Object ?? "?", $"container '{container.Name}' has an invalid digest '{container.Digest}'");
                    continue;
                }
                entries.Add(new WorkloadEntry(message.Namespace, message.OwnerKind, message.OwnerName, message.OwnerName,
                    container.Name, null, container.Image, container.Digest, message.AdmittedAt, WorkloadEntry.FromAdmission));
            }
            if (entries.Count > 0) await inventory.PutPodAsync(KeyOf(message.Namespace, message.OwnerKind, message.OwnerName), entries);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The store is unreachable: redelivery (retry, then the error queue) keeps the fact.
            LogRetry(logger, message.Object ?? "?", ex.Message);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "WorkloadAdmitted for {Object} skipped: {Reason}")]
    private static partial void LogInvalid(ILogger logger, string @object, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WorkloadAdmitted for {Object} will be retried: {Reason}")]
    private static partial void LogRetry(ILogger logger, string @object, string reason);
}
