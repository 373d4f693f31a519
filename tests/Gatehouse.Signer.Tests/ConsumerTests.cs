using System.Text.Json;
using Gatehouse.Contracts;
using Gatehouse.Contracts.Messages;
using Gatehouse.ServiceDefaults.Store;
using Gatehouse.Signer.Discovery;
using Gatehouse.Signer.Verification;
using Gatehouse.Testing;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Gatehouse.Signer.Tests;

/// <summary>The ImagePushed consumer on MassTransit's test harness, over a registry host served from an OCI layout.</summary>
public sealed class ConsumerTests : IAsyncLifetime, IDisposable
{
    private const string Registry = "registry.test";
    private readonly SignerFixture _fixture = new();
    private readonly InMemoryKeyValueStore _store = new();
    private IHost _host = null!;
    private ITestHarness _harness = null!;

    public async Task InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gatehouse:Registries:test:Host"] = Registry,
            ["Gatehouse:Registries:test:Layout"] = _fixture.LayoutPath,
            ["Gatehouse:Signer:Authorities:release:Key:PublicKeyPem"] = _fixture.PublicKeyPem,
            ["Gatehouse:Signer:Signing:KeyPath"] = _fixture.KeyPath,
        });
        builder.AddSigner();
        builder.Services.AddSingleton<IKeyValueStore>(_store);
        builder.Services.AddMassTransitTestHarness(bus =>
        {
            bus.AddSignerConsumers();
            // The machine may be loaded: wait on activity, not on a short idle window.
            bus.SetTestTimeouts(testTimeout: TimeSpan.FromSeconds(60), testInactivityTimeout: TimeSpan.FromSeconds(10));
        });
        _host = builder.Build();
        await _host.StartAsync();
        _harness = _host.Services.GetRequiredService<ITestHarness>();
    }

    private static ImagePushed Pushed(string digest, string? tag = "v1", string mediaType = Oci.OciMediaTypes.ImageManifest) =>
        new(Registry, "app", tag, digest, mediaType, DateTimeOffset.UtcNow, "test", Guid.NewGuid().ToString());

    private async Task<SignaturesVerified> PublishAndWaitAsync(ImagePushed pushed, int expectedResults)
    {
        var consumedBefore = _harness.Consumed.Select<ImagePushed>().Count(m => m.Context.Message.EventId == pushed.EventId);
        await _harness.Bus.Publish(pushed);
        await Eventually.TrueAsync(() => _harness.Consumed.Select<ImagePushed>().Count(m => m.Context.Message.EventId == pushed.EventId) == consumedBefore + 1,
            TimeSpan.FromSeconds(60), $"the consumer to take {pushed.Digest}");
        var results = _harness.Published.Select<SignaturesVerified>().ToList();
        Assert.Equal(expectedResults, results.Count);
        return results[^1].Context.Message;
    }

    [Fact]
    public async Task A_signed_push_publishes_the_verified_signers_and_stores_the_attestations()
    {
        var digest = await _fixture.PushImageAsync();
        var signed = await _host.Services.GetRequiredService<Signing.PromotedImageSigner>()
            .SignAsync(_fixture.Layout, "app", digest, $"{Registry}/app", SignerFixture.Evidence, default);

        var result = await PublishAndWaitAsync(Pushed(digest), 1);

        Assert.Equal((digest, Registry, "app"), (result.Digest, result.Registry, result.Repository));
        Assert.Equal(3, result.Signers.Count);
        Assert.All(result.Signers, s => Assert.Equal(("key", signed.KeyId), (s.Kind, s.KeyId)));
        Assert.Equal(2, result.ArtifactsFound);
        Assert.Matches("^sha256:[0-9a-f]{64}$", result.TrustRootVersion);
        var attestations = JsonSerializer.Deserialize((await _store.GetAsync(SignerStoreKeys.Attestations(digest)))!, SignerJsonContext.Default.AttestationSet)!;
        Assert.Equal(2, attestations.Attestations.Count);
        Assert.NotNull(await _store.GetAsync(StoreKeys.SignatureArtifacts(digest)));
    }

    [Fact]
    public async Task Redelivery_of_the_same_push_publishes_once()
    {
        var digest = await _fixture.PushImageAsync();
        var pushed = Pushed(digest);

        await PublishAndWaitAsync(pushed, 1);
        await PublishAndWaitAsync(pushed, 1);

        Assert.Single(_harness.Published.Select<SignaturesVerified>());
    }

    [Fact]
    public async Task A_pushed_signature_tag_reverifies_its_subject()
    {
        var digest = await _fixture.PushImageAsync();
        var unsigned = await PublishAndWaitAsync(Pushed(digest), 1);
        var signed = await _host.Services.GetRequiredService<Signing.PromotedImageSigner>()
            .SignAsync(_fixture.Layout, "app", digest, $"{Registry}/app", null, default);

        var result = await PublishAndWaitAsync(Pushed(signed.SignatureManifestDigest, CosignTags.For(digest, ".sig")), 2);

        Assert.Empty(unsigned.Signers);
        Assert.Equal(digest, result.Digest);
        Assert.Equal("signature", Assert.Single(result.Signers).ArtifactKind);
    }

    [Fact]
    public async Task A_signature_from_an_untrusted_key_is_published_as_a_failure()
    {
        var digest = await _fixture.PushImageAsync();
        using var other = new SignerFixture();
        var untrusted = new Signing.PromotedImageSigner(new Signing.FileSigningKeySource(other.KeyPath));
        await untrusted.SignAsync(_fixture.Layout, "app", digest, $"{Registry}/app", null, default);

        var result = await PublishAndWaitAsync(Pushed(digest), 1);

        Assert.Empty(result.Signers);
        var failure = Assert.Single(result.Failures);
        Assert.Equal(("signature-invalid", CosignTags.For(digest, ".sig") + "#0"), (failure.Code, failure.Artifact));
        Assert.StartsWith("release: ", failure.Reason, StringComparison.Ordinal);
    }

    private async Task ConsumeAsync(SignImage request)
    {
        var before = _harness.Consumed.Select<SignImage>().Count();
        await _harness.Bus.Publish(request);
        await Eventually.TrueAsync(() => _harness.Consumed.Select<SignImage>().Count() == before + 1, TimeSpan.FromSeconds(60), "SignImage consumed");
    }

    private async Task<SignImage> PromotionAsync(string digest, bool storeSbom = true)
    {
        const string sbom = """{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"zlib1g","version":"1:1.2.13.dfsg-1"}]}""";
        if (storeSbom) await _store.SetAsync(StoreKeys.Sbom(digest), sbom);
        var reportRef = $"gh:test:report:{digest}";
        await _store.SetAsync(reportRef, """{"evaluatedAt":"2026-01-02T03:04:05Z","findings":[]}""");
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(sbom)));
        return new SignImage(Registry, "app", digest, "release", sha, reportRef, "adv-1", DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task A_promoted_image_is_signed_and_attested_once_and_verifies()
    {
        var digest = await _fixture.PushImageAsync();
        var request = await PromotionAsync(digest);

        await ConsumeAsync(request);
        var attestation = await _fixture.Layout.HeadManifestAsync("", CosignTags.For(digest, ".att"));
        await ConsumeAsync(request); // redelivery, or the re-decision the signature itself causes

        Assert.Equal(attestation, await _fixture.Layout.HeadManifestAsync("", CosignTags.For(digest, ".att")));
        var result = await PublishAndWaitAsync(Pushed(digest), 1);
        Assert.Equal(["attestation:https://cosign.sigstore.dev/attestation/vuln/v1", "attestation:https://cyclonedx.org/bom", "signature"],
            result.Signers.Select(s => s.ArtifactKind).Order(StringComparer.Ordinal));
        var attestations = JsonSerializer.Deserialize((await _store.GetAsync(SignerStoreKeys.Attestations(digest)))!, SignerJsonContext.Default.AttestationSet)!;
        Assert.Equal(["https://cosign.sigstore.dev/attestation/vuln/v1", "https://cyclonedx.org/bom"],
            attestations.Attestations.Select(a => a.PredicateType).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_promotion_without_its_stored_sbom_signs_nothing()
    {
        var digest = await _fixture.PushImageAsync();

        await ConsumeAsync(await PromotionAsync(digest, storeSbom: false));

        Assert.Null(await _fixture.Layout.HeadManifestAsync("", CosignTags.For(digest, ".sig")));
        Assert.Null(await _store.GetAsync(SignerStoreKeys.Promotion(digest)));
    }

    [Fact]
    public async Task A_missing_image_is_reported_as_an_analysis_failure()
    {
        var missing = "sha256:" + new string('d', 64);

        await _harness.Bus.Publish(Pushed(missing));

        Assert.True(await _harness.Published.Any<ImageAnalysisFailed>(m => m.Context.Message.Digest == missing));
        Assert.False(await _harness.Published.Any<SignaturesVerified>());
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    public void Dispose() => _fixture.Dispose();
}
