using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Gatehouse.Contracts;
using Gatehouse.Contracts.Messages;
using Gatehouse.Testing;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.RegistryWatcher.Tests;

public sealed class DistributionWebhookTests : IAsyncLifetime, IDisposable
{
    private readonly WatcherFactory _factory = new();
    private readonly HttpClient _client;

    public DistributionWebhookTests() => _client = _factory.CreateClient();

    // A bus stopped while still starting (tests that never publish finish in milliseconds) can throw inside
    // MassTransit's endpoint shutdown; start fully first, then stop asynchronously.
    public Task InitializeAsync()
    {
        var bus = _factory.Services.GetRequiredService<MassTransit.IBusControl>();
        return Eventually.TrueAsync(() => bus.CheckHealth().Status == MassTransit.BusHealthStatus.Healthy, TimeSpan.FromSeconds(60), "the bus to start");
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    public void Dispose() => _factory.Dispose();

    private ITestHarness Harness => _factory.Services.GetRequiredService<ITestHarness>();

    private Task<HttpResponseMessage> Post(string body, string contentType = Envelopes.ContentType, string? token = WatcherFactory.Token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/distribution")
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return _client.SendAsync(request);
    }

    private async Task<List<ImagePushed>> PublishedAsync() =>
        [.. (await Harness.Published.SelectAsync<ImagePushed>().ToListAsync()).Select(m => m.Context.Message)];

    [Fact]
    public async Task Manifest_push_publishes_ImagePushed_with_every_field_and_records_the_tag()
    {
        var response = await Post(Envelopes.ManifestPush("evt-1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var pushed = Assert.Single(await PublishedAsync());
        Assert.Equal("127.0.0.1:5000", pushed.Registry);
        Assert.Equal("demo/debian", pushed.Repository);
        Assert.Equal("12", pushed.Tag);
        Assert.Equal(Envelopes.Digest, pushed.Digest);
        Assert.Equal("application/vnd.oci.image.manifest.v1+json", pushed.MediaType);
        Assert.Equal("distribution", pushed.Source);
        Assert.Equal("evt-1", pushed.EventId);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 15, 47, 0, 123, TimeSpan.Zero), pushed.PushedAt, TimeSpan.FromMilliseconds(1));
        Assert.Equal(Envelopes.Digest, await _factory.Store.GetAsync(StoreKeys.TagMap("127.0.0.1:5000", "demo/debian", "12")));
    }

    [Fact]
    public async Task Upstream_canonical_envelope_publishes_nothing_because_its_manifest_digest_is_invalid()
    {
        // distribution's own test envelope: one manifest push with the digest "sha256:0123456789abcdef0" and two blob pushes.
        var body = await File.ReadAllTextAsync(RepoPaths.TestData("registry-events", "distribution-envelope-push.json"));
        var response = await Post(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"ignored\":3", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await PublishedAsync());
    }

    [Theory]
    [InlineData("registry-events/distribution-event-pull.json")]
    public async Task Pulls_are_ignored(string file)
    {
        var response = await Post(await File.ReadAllTextAsync(RepoPaths.TestData(file.Split('/'))));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await PublishedAsync());
    }

    [Fact]
    public async Task Blob_pushes_mounts_and_deletes_are_ignored()
    {
        var mount = Envelopes.Event("m1", "mount", "application/vnd.oci.image.manifest.v1+json", Envelopes.Digest, "demo/copy", null);
        var delete = Envelopes.Event("d1", "delete", null, Envelopes.Digest, "demo/debian", null);
        var response = await Post(Envelopes.Envelope(mount, delete));
        var blob = await Post(Envelopes.BlobPush("b1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, blob.StatusCode);
        Assert.Empty(await PublishedAsync());
    }

    [Fact]
    public async Task Redelivered_event_id_publishes_once()
    {
        Assert.Equal(HttpStatusCode.OK, (await Post(Envelopes.ManifestPush("evt-same"))).StatusCode);
        var again = await Post(Envelopes.ManifestPush("evt-same"));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("\"duplicates\":1", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(await PublishedAsync());
    }

    [Fact]
    public async Task Same_repository_digest_and_tag_within_the_window_publishes_once_but_a_new_tag_publishes()
    {
        await Post(Envelopes.ManifestPush("evt-a"));
        await Post(Envelopes.ManifestPush("evt-b"));
        await Post(Envelopes.ManifestPush("evt-c", tag: "latest"));

        var published = await PublishedAsync();
        Assert.Equal(["12", "latest"], published.Select(p => p.Tag).Order());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token-0123456789abcdef")]
    [InlineData("")]
    public async Task Missing_or_wrong_token_is_401(string? token)
    {
        var response = await Post(Envelopes.ManifestPush("evt-auth"), token: token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Empty(await PublishedAsync());
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    public async Task Wrong_content_type_is_415(string contentType)
    {
        var response = await Post(Envelopes.ManifestPush("evt-ct"), contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains(contentType, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await PublishedAsync());
    }

    [Theory]
    [InlineData("{\"events\":[", "not a valid notification envelope")]
    [InlineData("[]", "not a valid notification envelope")]
    [InlineData("{}", "'events' array is missing")]
    [InlineData("not json", "not a valid notification envelope")]
    public async Task Malformed_json_is_400_with_the_reason(string body, string reason)
    {
        var response = await Post(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await PublishedAsync());
    }

    [Fact]
    public async Task Body_over_one_MiB_is_413_with_or_without_a_content_length()
    {
        var huge = Envelopes.ManifestPush("evt-big").TrimEnd('}') + ",\"pad\":\"" + new string('x', 1024 * 1024) + "\"}";
        var withLength = await Post(huge);

        var chunked = new HttpRequestMessage(HttpMethod.Post, "/webhooks/distribution")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(huge))),
        };
        chunked.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(Envelopes.ContentType);
        chunked.Headers.TransferEncodingChunked = true;
        chunked.Headers.Authorization = new AuthenticationHeaderValue("Bearer", WatcherFactory.Token);
        var withoutLength = await _client.SendAsync(chunked);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, withLength.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, withoutLength.StatusCode);
        Assert.Empty(await PublishedAsync());
    }

    [Fact]
    public async Task Unknown_adapter_is_404_with_the_known_names()
    {
        var response = await _client.PostAsync("/webhooks/harbor", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("distribution", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Broker_down_is_503_and_the_redelivery_publishes_once_after_recovery()
    {
        _factory.BrokerDown = true;
        var down = await Post(Envelopes.ManifestPush("evt-retry"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.NotNull(down.Headers.RetryAfter);
        Assert.Null(await _factory.Store.GetAsync(StoreKeys.TagMap("127.0.0.1:5000", "demo/debian", "12")));

        _factory.BrokerDown = false;
        var redelivered = await Post(Envelopes.ManifestPush("evt-retry"));
        var twice = await Post(Envelopes.ManifestPush("evt-retry"));

        Assert.Equal(HttpStatusCode.OK, redelivered.StatusCode);
        Assert.Equal(HttpStatusCode.OK, twice.StatusCode);
        Assert.Equal("evt-retry", Assert.Single(await PublishedAsync()).EventId);
    }

    [Fact]
    public async Task A_redelivery_while_the_first_delivery_is_still_publishing_is_503_not_a_lost_duplicate()
    {
        _factory.BrokerDown = true;
        var first = Post(Envelopes.ManifestPush("evt-inflight"));
        await Eventually.GetAsync(() => _factory.Store.GetAsync(StoreKeys.RegistryEvent("distribution", "evt-inflight")),
            TimeSpan.FromSeconds(30), "the first delivery to claim the event");
        _factory.BrokerDown = false;

        var during = await Post(Envelopes.ManifestPush("evt-inflight"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode); // the registry must try again
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await first).StatusCode);
        var after = await Post(Envelopes.ManifestPush("evt-inflight"));

        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal("evt-inflight", Assert.Single(await PublishedAsync()).EventId);
    }
}
