using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Gatehouse.Policy.Model;
using Gatehouse.Policy.Sources;
using Gatehouse.Testing;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gatehouse.Policy.Tests;

/// <summary>ImagePolicy resources through list + watch (a fake API server), Secrets resolved for key authorities.</summary>
public sealed class KubernetesPolicySourceTests
{
    private sealed class FakeApi : IImagePolicyApi
    {
        public List<JsonObject> Items { get; } = [];

        public Channel<(WatchEventType, JsonObject)> Events { get; } = Channel.CreateUnbounded<(WatchEventType, JsonObject)>();

        public Dictionary<string, string> Secrets { get; } = new(StringComparer.Ordinal);

        public Task<(IReadOnlyList<JsonObject> Items, string ResourceVersion)> ListAsync(CancellationToken cancellationToken) =>
            Task.FromResult<(IReadOnlyList<JsonObject>, string)>(([.. Items.Select(i => (JsonObject)i.DeepClone())], "100"));

        public async IAsyncEnumerable<(WatchEventType Type, JsonObject Item)> WatchAsync(string resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var item in Events.Reader.ReadAllAsync(cancellationToken)) yield return item;
        }

        public Task<string?> ReadSecretAsync(string @namespace, string name, string key, CancellationToken cancellationToken) =>
            Task.FromResult(Secrets.GetValueOrDefault($"{@namespace}/{name}/{key}"));
    }

    private static JsonObject Resource(string name, string profile, string spec = "") =>
        (JsonObject)YamlJson.Parse(PolicyYaml.Minimal(spec, profile, name), name).Single().Root!;

    private static KubernetesPolicySource Source(FakeApi api, PolicySetHolder holder) =>
        new(api, holder, Options.Create(new PolicyOptions()), TimeProvider.System, NullLogger<KubernetesPolicySource>.Instance) { DefaultSecretNamespace = "gatehouse" };

    [Fact]
    public async Task Invalid_and_conflicting_resources_are_left_out_and_secret_keys_are_resolved()
    {
        var api = new FakeApi();
        api.Secrets["gatehouse/release-key/cosign.pub"] = TestKeys.ReleaseKeyPem;
        var holder = new PolicySetHolder();
        var source = Source(api, holder);
        source.SetObjects([
            Resource("prod", "prod", "signatures:\n  anyOf: [{key: {secretRef: {name: release-key}}}]"),
            Resource("broken", "staging", "mode: strict"),
            Resource("team-a", "shared"),
            Resource("team-b", "shared", "mode: warn"),
            Resource("missing-secret", "qa", "signatures:\n  anyOf: [{key: {secretRef: {name: nope, namespace: qa}}}]"),
        ]);

        await source.ApplyAsync(CancellationToken.None);

        var prod = Assert.Single(holder.Current.Policies);
        Assert.Equal("prod", prod.Profile);
        var key = prod.Spec.Signatures!.Authorities[0].Key!;
        Assert.Equal((TestKeys.ReleaseKeyId, "release-key"), (key.KeyId, key.SecretRef!.Name));
    }

    [Fact]
    public async Task A_rotated_secret_changes_the_generation_although_the_spec_did_not()
    {
        var api = new FakeApi();
        api.Secrets["gatehouse/release-key/cosign.pub"] = TestKeys.ReleaseKeyPem;
        var holder = new PolicySetHolder();
        var source = Source(api, holder);
        source.SetObjects([Resource("prod", "prod", "signatures:\n  anyOf: [{key: {secretRef: {name: release-key}}}]")]);
        await source.ApplyAsync(CancellationToken.None);
        var before = holder.Current.Find("prod")!.Generation;

        using var other = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        api.Secrets["gatehouse/release-key/cosign.pub"] = other.ExportSubjectPublicKeyInfoPem();
        await source.ApplyAsync(CancellationToken.None);

        Assert.NotEqual(before, holder.Current.Find("prod")!.Generation);
    }

    [Fact]
    public async Task List_then_watch_applies_additions_changes_and_deletions()
    {
        var api = new FakeApi();
        api.Items.Add(Resource("prod", "prod"));
        var holder = new PolicySetHolder();
        using var source = Source(api, holder);
        await source.StartAsync(CancellationToken.None);
        try
        {
            await holder.Loaded.WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(["prod"], holder.Current.Profiles);

            await api.Events.Writer.WriteAsync((WatchEventType.Added, Resource("dev", "dev")));
            await Eventually.TrueAsync(() => holder.Current.Profiles.Count() == 2, TimeSpan.FromSeconds(20), "dev added");
            await api.Events.Writer.WriteAsync((WatchEventType.Modified, Resource("prod", "prod", "mode: audit")));
            await Eventually.TrueAsync(() => holder.Current.Find("prod")?.Spec.Mode == PolicyMode.Audit, TimeSpan.FromSeconds(20), "prod modified");
            await api.Events.Writer.WriteAsync((WatchEventType.Deleted, Resource("dev", "dev")));
            await Eventually.TrueAsync(() => holder.Current.Find("dev") is null, TimeSpan.FromSeconds(20), "dev deleted");
            Assert.Equal(4, holder.Current.Generation);
        }
        finally
        {
            await source.StopAsync(CancellationToken.None);
        }
    }
}
