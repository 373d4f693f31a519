using Gatehouse.Admission.BreakGlass;
using Gatehouse.Contracts;
using Gatehouse.Contracts.Decisions;
using Gatehouse.Contracts.Messages;
using Gatehouse.Testing;
using StackExchange.Redis;
using static Gatehouse.Admission.Tests.DecisionSeed;

namespace Gatehouse.Admission.Tests;

/// <summary>
/// Against the real Redis (GATEHOUSE_TEST_REDIS): the one-round-trip read of tag, versions and decision, the L1,
/// its invalidation over pub/sub, and the break-glass audit stream. Keys are unique per test and removed after.
/// </summary>
public sealed class RedisDecisionCacheTests : IAsyncLifetime
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..12];
    private readonly string _digest = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    private readonly List<RedisKey> _keys = [];
    private ConnectionMultiplexer _redis = null!;
    private DirectoryInfo _policyFolder = null!;
    private AdmissionFactory _factory = null!;
    private HttpClient _client = null!;

    private string Profile => "it-" + _id;

    private string Namespace => "ns-" + _id;

    private string Image => $"registry.example.com/it/{_id}:v1";

    public async Task InitializeAsync()
    {
        _redis = await ConnectionMultiplexer.ConnectAsync(TestInfra.Redis);
        _policyFolder = Directory.CreateTempSubdirectory("gatehouse-admission-it-");
        await File.WriteAllTextAsync(Path.Combine(_policyFolder.FullName, "it.yaml"), $"""
            apiVersion: gatehouse.dev/v1alpha1
            kind: ImagePolicy
            metadata:
              name: {Profile}
            spec:
              profile: {Profile}
              namespaceSelector:
                matchLabels:
                  run: "{_id}"
              breakGlass:
                allowedGroups: [sre-oncall]
                maxDuration: 1h
            """);
        _factory = new AdmissionFactory { KeepAudit = true }
            .With("Gatehouse:Redis", TestInfra.Redis)
            .With("Gatehouse:Policy:Files:0", _policyFolder.FullName)
            .With($"Gatehouse:Admission:Namespaces:{Namespace}:Labels:run", _id);
        // Records are checked against the factory's clock; the real Redis lives in real time, which is fine here.
        await SetAsync(StoreKeys.DecisionVersions(Profile), Json(Versions(Profile)));
        await SetAsync(StoreKeys.TagMap("registry.example.com", $"it/{_id}", "v1"), _digest);
        await SetAsync(StoreKeys.Decision(Profile, _digest), Json(Record(Profile, _digest, DecisionStatus.Allow)));
        _client = _factory.CreateClient();
        await Eventually.TrueAsync(() => _factory.L1.IsSubscribed, TimeSpan.FromSeconds(10), "the decision channel subscription");
    }

    public async Task DisposeAsync()
    {
        await _redis.GetDatabase().KeyDeleteAsync([.. _keys]);
        await _factory.DisposeAsync();
        await _redis.DisposeAsync();
        _policyFolder.Delete(recursive: true);
    }

    private Task<bool> SetAsync(string key, string value)
    {
        _keys.Add(key);
        return _redis.GetDatabase().StringSetAsync(key, value, TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task A_tag_is_resolved_and_decided_in_one_round_trip_then_served_from_the_L1_until_policy_announces_a_change()
    {
        var pod = Reviews.Pod(Namespace, [Image]);
        Assert.True((await _client.ValidateAsync(pod)).Allowed);
        Assert.True(_factory.L1.TryGetDecision(Profile, _digest, out _));

        // Rewritten in Redis but not announced: the L1 still answers (no round trip on the warm path).
        await SetAsync(StoreKeys.Decision(Profile, _digest), Json(Record(Profile, _digest, DecisionStatus.Deny, OpensslCve)));
        Assert.True((await _client.ValidateAsync(pod)).Allowed);

        // Announced on the channel: the L1 drops the entry and the next answer reads the deny.
        await _redis.GetSubscriber().PublishAsync(RedisChannel.Literal(StoreKeys.DecisionChannel), $"{Profile}:{_digest}");
        await Eventually.TrueAsync(() => !_factory.L1.TryGetDecision(Profile, _digest, out _), TimeSpan.FromSeconds(10), "the invalidation");
        var denied = await _client.ValidateAsync(pod);
        Assert.False(denied.Allowed);
        Assert.Contains("CVE-2023-5678", denied.Message, StringComparison.Ordinal);

        // A new policy generation, announced for the profile: the stored deny is no longer current.
        await SetAsync(StoreKeys.DecisionVersions(Profile), Json(Versions(Profile) with { PolicyGeneration = Generation + 1 }));
        await _redis.GetSubscriber().PublishAsync(RedisChannel.Literal(StoreKeys.DecisionChannel), Profile);
        await Eventually.TrueAsync(() => !_factory.L1.TryGetVersions(Profile, out _), TimeSpan.FromSeconds(10), "the profile invalidation");
        var unknown = await _client.ValidateAsync(pod);
        Assert.False(unknown.Allowed);
        Assert.EndsWith("not yet analysed — scan requested", unknown.Message, StringComparison.Ordinal);
        await _factory.PublishedAsync<ScanRequested>(m => m.Reference == $"registry.example.com/it/{_id}:v1@{_digest}");
    }

    [Fact]
    public async Task A_break_glass_use_is_appended_to_the_audit_stream_in_Redis()
    {
        await SetAsync(StoreKeys.Decision(Profile, _digest), Json(Record(Profile, _digest, DecisionStatus.Deny, OpensslCve)));
        var ticket = "INC-" + _id;
        // The factory's clock stands at 2026-11-27T12:00Z; the expiry is checked against it.
        var pod = Reviews.Pod(Namespace, [Image], user: "carol", groups: ["sre-oncall"], annotations: new()
        {
            [BreakGlassAnnotation.Name] = $"ticket={ticket}; reason=outage; expires=2026-11-27T12:30:00Z",
        });

        var answer = await _client.ValidateAsync(pod);
        Assert.True(answer.Allowed, answer.Json);

        var entry = await Eventually.GetAsync(async () =>
        {
            var entries = await _redis.GetDatabase().StreamRangeAsync(RedisBreakGlassAudit.Key, "-", "+", count: 1000, messageOrder: Order.Descending);
            return entries.Where(e => e["ticket"] == ticket).Select(e => new Found(e)).FirstOrDefault();
        }, TimeSpan.FromSeconds(10), "the audit entry");
        var fields = entry.Entry;
        Assert.Equal("carol", (string?)fields["user"]);
        Assert.Equal(_digest, (string?)fields["digest"]);
        Assert.Equal(Namespace, (string?)fields["namespace"]);
        Assert.Equal("2026-11-27T12:30:00.0000000+00:00", (string?)fields["expiresAt"]);
        await _factory.PublishedAsync<BreakGlassUsed>(m => m.Ticket == ticket);
        await _redis.GetDatabase().StreamDeleteAsync(RedisBreakGlassAudit.Key, [fields.Id]);
    }

    private sealed record Found(StreamEntry Entry);
}
