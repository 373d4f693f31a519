using System.Diagnostics;
using System.Net;
using System.Text;
using static Gatehouse.Oci.Tests.RecordedHttpHandler;
using static Gatehouse.Oci.Tests.RegistryFixtures;

namespace Gatehouse.Oci.Tests;

public sealed class RegistryReadRecordedTests
{
    private static RecordedHttpHandler ManifestListConversation() => new RecordedHttpHandler()
        .Expect(HttpMethod.Get, Url("team/app/manifests/1.0"), _ => Manifest(ManifestListBytes, OciMediaTypes.DockerManifestList))
        .Expect(HttpMethod.Get, Url($"team/app/manifests/{ManifestDigest}"), _ => Manifest(ManifestBytes, OciMediaTypes.DockerManifest))
        .Expect(HttpMethod.Get, Url($"team/app/blobs/{ConfigDigest}"), HttpStatusCode.OK, ConfigBytes, "application/octet-stream");

    [Fact]
    public async Task Manifest_list_resolves_to_the_linux_amd64_manifest_with_its_config()
    {
        var handler = ManifestListConversation();
        var store = OciTestHost.Factory(handler).ForRegistry("registry.test");

        var image = await store.ResolveAsync("team/app", "1.0");

        Assert.Equal(ManifestDigest, image.ManifestDigest);
        Assert.Equal(ManifestListDigest, image.IndexDigest);
        Assert.Equal(OciMediaTypes.DockerManifest, image.MediaType);
        Assert.Equal(ManifestBytes, image.ManifestBytes);
        Assert.Equal(ConfigDigest, image.Manifest.Config.Digest);
        var layer = Assert.Single(image.Layers);
        Assert.Equal((LayerDigest, (long)LayerBytes.Length, "base"), (layer.Digest, layer.Size, layer.Annotations!["layer"]));
        Assert.Equal(("linux", "amd64"), (image.Config.Os, image.Config.Architecture));
        Assert.Equal(["sha256:" + new string('d', 64)], image.Config.RootFs.DiffIds);
        Assert.Equal(2, image.Config.History!.Count);
        Assert.True(image.Config.History[1].EmptyLayer);
        Assert.Equal("https://example.test/app", image.Config.Labels["org.opencontainers.image.source"]);
        Assert.Equal(OciMediaTypes.AcceptedManifestTypes.Order(), handler.Requests[0].Accept.Order());
        handler.AssertAllConsumed();
    }

    [Fact]
    public async Task Configured_default_platform_is_used_and_a_missing_platform_lists_what_exists()
    {
        var handler = new RecordedHttpHandler()
            .Expect(HttpMethod.Get, Url("team/app/manifests/1.0"), _ => Manifest(ManifestListBytes, OciMediaTypes.DockerManifestList));
        var store = OciTestHost.Factory(handler, new Dictionary<string, string?> { ["Gatehouse:Oci:DefaultPlatform"] = "linux/s390x" })
            .ForRegistry("registry.test");

        var error = await Assert.ThrowsAsync<PlatformNotFoundException>(() => store.ResolveAsync("team/app", "1.0"));

        Assert.Contains("linux/s390x", error.Message, StringComparison.Ordinal);
        Assert.Contains("available: linux/arm64/v8, linux/amd64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explicit_platform_selects_that_entry()
    {
        var handler = new RecordedHttpHandler()
            .Expect(HttpMethod.Get, Url("team/app/manifests/1.0"), _ => Manifest(ManifestListBytes, OciMediaTypes.DockerManifestList))
            .Expect(HttpMethod.Get, Url($"team/app/manifests/{ArmManifestDigest}"), HttpStatusCode.NotFound,
                """{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}"""u8.ToArray(), "application/json");
        var store = OciTestHost.Factory(handler).ForRegistry("registry.test");

        // The arm64 entry is what gets fetched (its absence here proves the choice).
        var error = await Assert.ThrowsAsync<OciNotFoundException>(() => store.ResolveAsync("team/app", "1.0", ImagePlatform.Parse("linux/arm64")));

        Assert.Contains("MANIFEST_UNKNOWN", error.Message, StringComparison.Ordinal);
        handler.AssertAllConsumed();
    }

    [Fact]
    public async Task Schema1_manifest_is_rejected_with_a_clear_error()
    {
        var handler = new RecordedHttpHandler()
            .Expect(HttpMethod.Get, Url("team/app/manifests/old"), _ => Manifest(Schema1Bytes, OciMediaTypes.DockerSchema1SignedManifest));
        var store = OciTestHost.Factory(handler).ForRegistry("registry.test");

        var error = await Assert.ThrowsAsync<UnsupportedManifestException>(() => store.ResolveAsync("team/app", "old"));

        Assert.Contains("schema 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("re-push", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Docker_Content_Digest_header_that_does_not_match_the_body_is_rejected()
    {
        var lying = "sha256:" + new string('0', 64);
        var handler = new RecordedHttpHandler()
            .Expect(HttpMethod.Get, Url("team/app/manifests/1.0"), _ => Manifest(ManifestBytes, OciMediaTypes.DockerManifest, lying));
        var store = OciTestHost.Factory(handler).ForRegistry("registry.test");

        var error = await Assert.ThrowsAsync<DigestMismatchException>(() => store.GetManifestAsync("team/app", "1.0"));

        Assert.Equal(lying, error.Expected);
        Assert.Equal(ManifestDigest, error.Actual);
    }

    [Fact]
    public async Task Manifest_fetched_by_digest_must_hash_to_that_digest_even_without_a_header()
    {
        var wanted = "sha256:" + new string('c', 64);
        var handler = new RecordedHttpHandler()
            .Expect(HttpMethod.Get, Url($"team/app/manifests/{wanted}"), HttpStatusCode.OK, ManifestBytes, OciMediaTypes.DockerManifest);
        var store = OciTestHost.Factory(handler).ForRegistry("registry.test");

        var error = await Assert.ThrowsAsync<DigestMismatchException>(() => store.GetManifestAsync("team/app", wanted));

        Assert.Equal(wanted, error.Expected);
    }

    [Fact]
    public async Task Blob_stream_throws_DigestMismatch_at_its_end_when_content_was_swapped()
    {
        var handler = new RecordedHttpHandler()
            .Expect(HttpMethod.Get, Url($"team/app/blobs/{LayerDigest}"), HttpStatusCode.OK, Encoding.UTF8.GetBytes("tampered content, same length."));
        var store = OciTestHost.Factory(handler).ForRegistry("registry.test");

        await using var stream = await store.OpenBlobAsync("team/app", LayerDigest);
        var error = await Assert.ThrowsAsync<DigestMismatchException>(() => stream.CopyToAsync(Stream.Null));

        Assert.Equal(LayerDigest, error.Expected);
    }

    [Fact]
    public async Task Blob_longer_than_its_descriptor_fails_as_soon_as_it_overruns()
    {
        var handler = new RecordedHttpHandler()
            .Expect(HttpMethod.Get, Url($"team/app/blobs/{LayerDigest}"), HttpStatusCode.OK, [.. LayerBytes, .. new byte[100_000]]);
        var store = OciTestHost.Factory(handler).ForRegistry("registry.test");

        await using var stream = await store.OpenBlobAsync("team/app", LayerDigest, LayerBytes.Length);
        var error = await Assert.ThrowsAsync<SizeMismatchException>(() => stream.CopyToAsync(Stream.Null));

        Assert.Contains($"expected {LayerBytes.Length} bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_errors_are_retried_with_backoff_until_success()
    {
        var handler = new RecordedHttpHandler()
            .Expect(HttpMethod.Get, Url("team/app/manifests/1.0"), HttpStatusCode.ServiceUnavailable)
            .Expect(HttpMethod.Get, Url("team/app/manifests/1.0"), HttpStatusCode.TooManyRequests, null, null, ("Retry-After", "0"))
            .ExpectNetworkFailure(HttpMethod.Get, Url("team/app/manifests/1.0"))
            .Expect(HttpMethod.Get, Url("team/app/manifests/1.0"), _ => Manifest(ManifestBytes, OciMediaTypes.DockerManifest));
        var store = OciTestHost.Factory(handler).ForRegistry("registry.test");

        var manifest = await store.GetManifestAsync("team/app", "1.0");

        Assert.Equal(ManifestDigest, manifest.Digest);
        handler.AssertAllConsumed();
    }

    [Fact]
    public async Task Retries_are_bounded_and_the_last_status_is_reported()
    {
        var handler = new RecordedHttpHandler();
        for (var i = 0; i < 3; i++)
        {
            handler.Expect(HttpMethod.Get, Url("team/app/manifests/1.0"), HttpStatusCode.BadGateway);
        }

        var store = OciTestHost.Factory(handler, new Dictionary<string, string?> { ["Gatehouse:Oci:MaxRetries"] = "2" }).ForRegistry("registry.test");

        var error = await Assert.ThrowsAsync<OciRegistryException>(() => store.GetManifestAsync("team/app", "1.0"));

        Assert.Equal(HttpStatusCode.BadGateway, error.StatusCode);
        handler.AssertAllConsumed();
    }

    [Fact]
    public async Task Client_errors_are_not_retried()
    {
        var handler = new RecordedHttpHandler()
            .Expect(HttpMethod.Get, Url("team/app/manifests/1.0"), HttpStatusCode.BadRequest,
                """{"errors":[{"code":"TAG_INVALID","message":"manifest tag did not match URI"}]}"""u8.ToArray(), "application/json");
        var store = OciTestHost.Factory(handler).ForRegistry("registry.test");

        var error = await Assert.ThrowsAsync<OciRegistryException>(() => store.GetManifestAsync("team/app", "1.0"));

        Assert.Equal(["TAG_INVALID"], error.ErrorCodes);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Oversized_manifest_is_refused_before_reading_it()
    {
        var handler = new RecordedHttpHandler()
            .Expect(HttpMethod.Get, Url("team/app/manifests/1.0"), HttpStatusCode.OK, new byte[2048], OciMediaTypes.ImageManifest);
        var store = OciTestHost.Factory(handler, new Dictionary<string, string?> { ["Gatehouse:Oci:MaxManifestBytes"] = "1024" })
            .ForRegistry("registry.test");

        var error = await Assert.ThrowsAsync<OciException>(() => store.GetManifestAsync("team/app", "1.0"));

        Assert.Contains("limit is 1024", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Head_of_a_missing_manifest_is_null_and_of_an_existing_one_gives_the_digest()
    {
        var handler = new RecordedHttpHandler()
            .Expect(HttpMethod.Head, Url("team/app/manifests/gone"), HttpStatusCode.NotFound)
            .Expect(HttpMethod.Head, Url("team/app/manifests/1.0"), HttpStatusCode.OK, null, OciMediaTypes.DockerManifest,
                ("Docker-Content-Digest", ManifestDigest));
        var store = OciTestHost.Factory(handler).ForRegistry("registry.test");

        Assert.Null(await store.HeadManifestAsync("team/app", "gone"));
        var head = await store.HeadManifestAsync("team/app", "1.0");

        Assert.Equal(ManifestDigest, head?.Digest);
        Assert.Equal(OciMediaTypes.DockerManifest, head?.MediaType);
    }

    [Fact]
    public async Task Invalid_repository_or_tag_is_refused_before_any_request()
    {
        var handler = new RecordedHttpHandler();
        var store = OciTestHost.Factory(handler).ForRegistry("registry.test");

        await Assert.ThrowsAsync<FormatException>(() => store.GetManifestAsync("../etc", "1.0"));
        await Assert.ThrowsAsync<FormatException>(() => store.GetManifestAsync("team/app", "bad/tag"));
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Registry_calls_emit_spans_on_the_Gatehouse_Oci_source()
    {
        var spans = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == OciTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var store = OciTestHost.Factory(ManifestListConversation()).ForRegistry("registry.test");

        // Other tests run in parallel and the listener is global: keep only this trace.
        using (var root = new Activity("test").Start())
        {
            await store.ResolveAsync("team/app", "1.0");
            spans = new(spans.Where(s => s.TraceId == root.TraceId));
        }

        var resolve = Assert.Single(spans, s => s.OperationName == "oci.resolve");
        Assert.Equal(ManifestDigest, resolve.GetTagItem(OciTelemetry.DigestTag));
        var fetches = spans.Where(s => s.OperationName == "oci.registry.get_manifest").ToList();
        Assert.Equal(2, fetches.Count);
        Assert.All(fetches, f => Assert.Equal(resolve.SpanId, f.ParentSpanId));
        Assert.All(fetches, f => Assert.Equal("team/app", f.GetTagItem(OciTelemetry.RepositoryTag)));
    }
}
