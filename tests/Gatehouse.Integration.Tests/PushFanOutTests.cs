using System.Diagnostics;
using System.Text.Json;
using Gatehouse.Contracts;
using Gatehouse.Scanner.Consumers;
using Gatehouse.Testing;

namespace Gatehouse.Integration.Tests;

/// <summary>
/// The walking skeleton on real infrastructure: skopeo push → the registry's own notification → registry-watcher →
/// ImagePushed on RabbitMQ → scanner and signer each do their first real work, all in one trace.
/// </summary>
[Collection(RealServicesCollection.Name)]
public sealed class PushFanOutTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private const string Scanner = "ImageInspectionConsumer";
    private const string Signer = "SignatureVerificationConsumer";

    private static string DebianLayout => Path.Combine(TestInfra.ImagesDirectory, "debian12");

    [Fact]
    public async Task A_pushed_image_reaches_scanner_and_signer_in_the_trace_of_the_webhook_request()
    {
        await using var pipeline = await RealPipeline.StartAsync();
        var expected = await pipeline.Images.ForLayout(DebianLayout).ResolveAsync("", "12");
        var repository = $"e2e/debian-{Guid.NewGuid():N}"[..24];
        // Records are per digest and outlive a run; start from none so this run proves the whole path.
        await pipeline.Store.DeleteAsync(StoreKeys.ImageManifest(expected.ManifestDigest));
        await pipeline.Store.DeleteAsync(StoreKeys.SignatureArtifacts(expected.ManifestDigest));

        await RealPipeline.PushAsync(DebianLayout, "12", repository, "12");

        var manifestJson = await Eventually.GetAsync(() => pipeline.Store.GetAsync(StoreKeys.ImageManifest(expected.ManifestDigest)),
            Patience, "the scanner's manifest record");
        var signaturesJson = await Eventually.GetAsync(() => pipeline.Store.GetAsync(StoreKeys.SignatureArtifacts(expected.ManifestDigest)),
            Patience, "the signer's discovery record");

        var manifest = JsonSerializer.Deserialize(manifestJson, ScannerJsonContext.Default.ImageManifestRecord)!;
        Assert.Equal(expected.Layers.Select(l => l.Digest), manifest.Layers.Select(l => l.Digest));
        Assert.Equal(expected.Layers.Select(l => l.Size), manifest.Layers.Select(l => l.Size));
        Assert.Equal(expected.Config.RootFs.DiffIds, manifest.Layers.Select(l => l.DiffId));
        Assert.Equal(("linux", "amd64"), (manifest.Os, manifest.Architecture));
        // The record is per digest: a backlog of earlier pushes of the same image to other repositories may come first.
        Assert.Equal(TestInfra.Registry, manifest.Registry);
        using (var signatures = JsonDocument.Parse(signaturesJson))
        {
            // Per digest as well: another repository holding the same image may carry signatures; ours carries none.
            if (signatures.RootElement.GetProperty("repository").GetString() == repository)
                Assert.Equal(0, signatures.RootElement.GetProperty("artifacts").GetArrayLength());
        }
        Assert.Equal(expected.ManifestDigest, await pipeline.Store.GetAsync(StoreKeys.TagMap(TestInfra.Registry, repository, "12")));

        // One trace: the registry's POST to the watcher is the root of both consumers' spans.
        await Eventually.TrueAsync(() => pipeline.ConsumerSpans(expected.ManifestDigest, repository, Signer).Count > 0, Patience, "signer spans");
        var scanner = Assert.Single(pipeline.ConsumerSpans(expected.ManifestDigest, repository, Scanner));
        var signer = Assert.Single(pipeline.ConsumerSpans(expected.ManifestDigest, repository, Signer));
        var webhook = Assert.Single(pipeline.Spans.Snapshot(), s =>
            s.Kind == ActivityKind.Server && s.TraceId == scanner.TraceId && s.DisplayName.Contains("/webhooks/", StringComparison.Ordinal));
        Assert.Equal(webhook.TraceId, signer.TraceId);
        Assert.Null(webhook.Parent);
    }

    [Fact]
    public async Task When_the_broker_is_down_the_registry_redelivers_and_the_push_is_consumed_once_after_recovery()
    {
        Assert.True(RabbitMqBroker.IsLocal, "this test stops the local broker with rabbitmqctl");
        await using var pipeline = await RealPipeline.StartAsync();
        var expected = await pipeline.Images.ForLayout(DebianLayout).ResolveAsync("", "12");
        var repository = $"e2e/outage-{Guid.NewGuid():N}"[..24];
        try
        {
            await RabbitMqCtl("stop_app");
            await RealPipeline.PushAsync(DebianLayout, "12", repository, "12");
            // The watcher answers 503 while the broker is down; give the registry time to try and back off.
            await Task.Delay(TimeSpan.FromSeconds(4));
            Assert.Null(await pipeline.Store.GetAsync(StoreKeys.TagMap(TestInfra.Registry, repository, "12")));
        }
        finally
        {
            await RabbitMqCtl("start_app");
        }

        await Eventually.GetAsync(() => pipeline.Store.GetAsync(StoreKeys.TagMap(TestInfra.Registry, repository, "12")),
            Patience, "the redelivered notification to be published");
        await Eventually.TrueAsync(() => pipeline.ConsumerSpans(expected.ManifestDigest, repository, Signer).Count > 0,
            Patience, "the signer to consume the push");
        await Task.Delay(TimeSpan.FromSeconds(3)); // a duplicate publish would be consumed within this
        // skopeo pushed one manifest: however often the registry delivered its notification, one ImagePushed was consumed.
        Assert.Single(pipeline.ConsumerSpans(expected.ManifestDigest, repository, Signer));
        var webhookCalls = pipeline.Spans.Snapshot().Count(s => s.Kind == ActivityKind.Server && s.DisplayName.Contains("/webhooks/", StringComparison.Ordinal));
        Assert.True(webhookCalls >= 2, $"expected the registry to deliver the notification again after a 503, saw {webhookCalls} webhook calls");
    }

    private static async Task RabbitMqCtl(string command)
    {
        using var ctl = Process.Start(new ProcessStartInfo(TestInfra.RabbitMqCtl, command) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException("rabbitmqctl did not start");
        await ctl.WaitForExitAsync();
        if (ctl.ExitCode != 0) throw new InvalidOperationException($"rabbitmqctl {command} failed: {await ctl.StandardError.ReadToEndAsync()}");
    }
}
