using Gatehouse.Contracts;
using Gatehouse.ServiceDefaults.Store;

namespace Gatehouse.Admission.Decisions;

/// <summary>
/// One round trip to the shared decision store for everything a request needs: the profile's current
/// versions, the decisions of pinned digests, and for each tag its digest and that digest's decision.
/// </summary>
public interface IDecisionSource
{
    /// <summary>
    /// True when the store announces changes (Redis pub/sub), so answers may be kept in the L1; false for a store
    /// that is itself in process, which is read every time.
    /// </summary>
    bool PushesInvalidations { get; }

    /// <summary>False when the store is known to be unreachable right now (fail fast instead of waiting).</summary>
    bool IsAvailable { get; }

    Task<DecisionFetch> FetchAsync(DecisionQuery query, CancellationToken cancellationToken);
}

/// <param name="TagMapKeys"><see cref="StoreKeys.TagMap"/> keys to resolve, each followed by its digest's decision.</param>
public sealed record DecisionQuery(string Profile, IReadOnlyList<string> Digests, IReadOnlyList<string> TagMapKeys);

/// <summary>Raw values (UTF-8 JSON) as stored; absent keys are null. Verification is the cache's job.</summary>
public sealed record DecisionFetch(byte[]? Versions, byte[]?[] Decisions, TagFetch[] Tags);

public readonly record struct TagFetch(string? Digest, byte[]? Decision);

/// <summary>The embedded default: the in-process <see cref="IKeyValueStore"/> that policy writes to in the same process.</summary>
public sealed class StoreDecisionSource(IKeyValueStore store) : IDecisionSource
{
    public bool PushesInvalidations => false;

    public bool IsAvailable => true;

    public async Task<DecisionFetch> FetchAsync(DecisionQuery query, CancellationToken cancellationToken)
    {
        var versions = await store.GetAsync(StoreKeys.DecisionVersions(query.Profile));
        var decisions = new byte[]?[query.Digests.Count];
        for (var i = 0; i < decisions.Length; i++)
            decisions[i] = Utf8(await store.GetAsync(StoreKeys.Decision(query.Profile, query.Digests[i])));
        var tags = new TagFetch[query.TagMapKeys.Count];
        for (var i = 0; i < tags.Length; i++)
        {
            var digest = await store.GetAsync(query.TagMapKeys[i]);
            tags[i] = new TagFetch(digest, digest is null ? null : Utf8(await store.GetAsync(StoreKeys.Decision(query.Profile, digest))));
        }
        return new DecisionFetch(Utf8(versions), decisions, tags);
    }

    private static byte[]? Utf8(string? value) => value is null ? null : System.Text.Encoding.UTF8.GetBytes(value);
}
