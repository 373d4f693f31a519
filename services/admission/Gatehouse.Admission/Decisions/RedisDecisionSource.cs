using Gatehouse.Contracts;
using StackExchange.Redis;

namespace Gatehouse.Admission.Decisions;

/// <summary>
/// Redis: one EVALSHA per request that reads the profile's versions, every pinned digest's decision, and for each
/// tag its digest and then that digest's decision, so a tag costs no second round trip. Values come back as
/// raw bytes; nothing is trusted until the cache has checked the MAC.
/// </summary>
public sealed class RedisDecisionSource(IConnectionMultiplexer redis) : IDecisionSource
{
    // KEYS: versions key, n decision keys, then tag-map keys. ARGV: n, and the decision-key prefix of the profile
    // (StoreKeys.Decision(profile, "")) that a tag's digest is appended to.
    private const string Script = """
        local n = tonumber(ARGV[1])
        local out = { redis.call('GET', KEYS[1]) }
        for i = 2, n + 1 do out[#out + 1] = redis.call('GET', KEYS[i]) end
        for i = n + 2, #KEYS do
          local digest = redis.call('GET', KEYS[i])
          out[#out + 1] = digest
          if digest then out[#out + 1] = redis.call('GET', ARGV[2] .. digest) else out[#out + 1] = false end
        end
        return out
        """;

    public bool PushesInvalidations => true;

    public bool IsAvailable => redis.IsConnected;

    public async Task<DecisionFetch> FetchAsync(DecisionQuery query, CancellationToken cancellationToken)
    {
        var keys = new RedisKey[1 + query.Digests.Count + query.TagMapKeys.Count];
        keys[0] = StoreKeys.DecisionVersions(query.Profile);
        for (var i = 0; i < query.Digests.Count; i++) keys[1 + i] = StoreKeys.Decision(query.Profile, query.Digests[i]);
        for (var i = 0; i < query.TagMapKeys.Count; i++) keys[1 + query.Digests.Count + i] = query.TagMapKeys[i];
        RedisValue[] args = [query.Digests.Count, StoreKeys.Decision(query.Profile, "")];

        // Lua's false becomes a nil reply, so the array keeps its shape: one slot per key, two per tag.
        var result = await redis.GetDatabase().ScriptEvaluateAsync(Script, keys, args).WaitAsync(cancellationToken);
        var values = (RedisResult[])result!;
        var decisions = new byte[]?[query.Digests.Count];
        for (var i = 0; i < decisions.Length; i++) decisions[i] = Bytes(values[1 + i]);
        var tags = new TagFetch[query.TagMapKeys.Count];
        var at = 1 + decisions.Length;
        for (var i = 0; i < tags.Length; i++, at += 2) tags[i] = new TagFetch((string?)values[at], Bytes(values[at + 1]));
        return new DecisionFetch(Bytes(values[0]), decisions, tags);
    }

    private static byte[]? Bytes(RedisResult value) => value.IsNull ? null : (byte[]?)value;
}
