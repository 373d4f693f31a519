using System.Text.Json;
using Gatehouse.Oci;
using Gatehouse.Signer.Discovery;
using Gatehouse.Signer.Formats;

namespace Gatehouse.Signer.Tests;

/// <summary>The promoted-image signer writing cosign's layout into an OCI layout store, and discovery and verification reading it back.</summary>
public sealed class SignAndDiscoverTests : IDisposable
{
    private readonly SignerFixture _fixture = new();

    [Fact]
    public async Task What_the_signer_signs_its_verifier_accepts()
    {
        var digest = await _fixture.PushImageAsync();

        var signed = await _fixture.Signer.SignAsync(_fixture.Layout, "", digest, "registry.test/app", SignerFixture.Evidence, default);
        var (found, loaded) = await SignerFixture.DiscoverAsync(_fixture.Layout, "", digest);
        var result = SignerFixture.Verifier(_fixture.KeyAuthority()).Verify(digest, loaded, found.Artifacts.Count);

        Assert.False(signed.AlreadySigned);
        Assert.Equal([SignatureArtifactDiscovery.SignatureKind, SignatureArtifactDiscovery.AttestationKind], found.Artifacts.Select(a => a.Kind));
        Assert.Equal([1, 2], found.Artifacts.Select(a => a.Entries));
        Assert.Empty(result.Result.Failures);
        Assert.Equal(
            ["attestation:https://cosign.sigstore.dev/attestation/vuln/v1", "attestation:https://cyclonedx.org/bom", "signature"],
            result.Result.Signers.Select(s => s.ArtifactKind).Order(StringComparer.Ordinal));
        Assert.All(result.Result.Signers, s => Assert.Equal(signed.KeyId, s.KeyId));
        var sbom = Assert.Single(result.Attestations.Attestations, a => a.PredicateType == CosignFormats.CycloneDxPredicateType);
        Assert.Equal("openssl", sbom.Predicate.GetProperty("components")[0].GetProperty("name").GetString());
        var vuln = Assert.Single(result.Attestations.Attestations, a => a.PredicateType == CosignFormats.VulnPredicateType);
        Assert.Equal("sha256:advisories", vuln.Predicate.GetProperty("scanner").GetProperty("db").GetProperty("version").GetString());
    }

    [Fact]
    public async Task Another_key_rejects_the_signatures_with_reasons()
    {
        var digest = await _fixture.PushImageAsync();
        await _fixture.Signer.SignAsync(_fixture.Layout, "", digest, "registry.test/app", SignerFixture.Evidence, default);

        var (found, loaded) = await SignerFixture.DiscoverAsync(_fixture.Layout, "", digest);
        var result = SignerFixture.Verifier(_fixture.KeyAuthority("other", TestKeys.EcdsaP256().PublicPem)).Verify(digest, loaded, found.Artifacts.Count);

        Assert.Empty(result.Result.Signers);
        Assert.Equal(3, result.Result.Failures.Count);
        Assert.All(result.Result.Failures, f => Assert.Equal("signature-invalid", f.Code));
        Assert.Contains(result.Result.Failures, f => f.Artifact == CosignTags.For(digest, ".sig") + "#0");
    }

    [Fact]
    public async Task The_signature_manifest_has_cosigns_layout_field_by_field()
    {
        var digest = await _fixture.PushImageAsync();
        await _fixture.Signer.SignAsync(_fixture.Layout, "", digest, "registry.test/app", SignerFixture.Evidence, default);

        var sig = ManifestParser.ParseManifest((await _fixture.Layout.GetManifestAsync("", CosignTags.For(digest, ".sig"))).Bytes, "sig");
        var att = ManifestParser.ParseManifest((await _fixture.Layout.GetManifestAsync("", CosignTags.For(digest, ".att"))).Bytes, "att");
        using var config = JsonDocument.Parse(await _fixture.Layout.ReadBlobAsync("", sig.Config));
        var layer = Assert.Single(sig.Layers);
        using var payload = JsonDocument.Parse(await _fixture.Layout.ReadBlobAsync("", layer));

        Assert.Equal((OciMediaTypes.ImageManifest, OciMediaTypes.ImageConfig), (sig.MediaType, sig.Config.MediaType));
        Assert.Equal(CosignFormats.SimpleSigningMediaType, layer.MediaType);
        Assert.Equal([CosignFormats.SignatureAnnotation], layer.Annotations!.Keys);
        Assert.Equal(layer.Digest, config.RootElement.GetProperty("rootfs").GetProperty("diff_ids")[0].GetString());
        Assert.Equal("cosign container image signature", payload.RootElement.GetProperty("critical").GetProperty("type").GetString());
        Assert.Equal(digest, payload.RootElement.GetProperty("critical").GetProperty("image").GetProperty("docker-manifest-digest").GetString());
        Assert.Equal("registry.test/app", payload.RootElement.GetProperty("critical").GetProperty("identity").GetProperty("docker-reference").GetString());
        Assert.All(att.Layers, l => Assert.Equal(CosignFormats.DsseEnvelopeMediaType, l.MediaType));
        Assert.All(att.Layers, l => Assert.Equal("", l.Annotations![CosignFormats.SignatureAnnotation]));
        Assert.Equal([CosignFormats.CycloneDxPredicateType, CosignFormats.VulnPredicateType], att.Layers.Select(l => l.Annotations![CosignFormats.PredicateTypeAnnotation]));
    }

    [Fact]
    public async Task Signing_again_adds_no_signature_and_replaces_this_keys_attestations()
    {
        var digest = await _fixture.PushImageAsync();
        var first = await _fixture.Signer.SignAsync(_fixture.Layout, "", digest, "registry.test/app", SignerFixture.Evidence, default);

        var second = await _fixture.Signer.SignAsync(_fixture.Layout, "", digest, "registry.test/app", SignerFixture.Evidence, default);
        var (found, _) = await SignerFixture.DiscoverAsync(_fixture.Layout, "", digest);

        Assert.True(second.AlreadySigned);
        Assert.Equal(first.SignatureManifestDigest, second.SignatureManifestDigest);
        Assert.Equal([1, 2], found.Artifacts.Select(a => a.Entries));
    }

    [Fact]
    public async Task An_sbom_attached_as_a_referrer_is_not_a_signature_artifact()
    {
        var digest = await _fixture.PushImageAsync();
        var head = await _fixture.Layout.HeadManifestAsync("", digest);
        const string cyclonedx = "application/vnd.cyclonedx+json";
        await _fixture.Layout.AttachReferrerAsync("", new OciDescriptor { MediaType = head!.MediaType, Digest = digest, Size = head.Size },
            new ReferrerArtifact(cyclonedx, [new ArtifactBlob(cyclonedx, """{"bomFormat":"CycloneDX","specVersion":"1.6"}"""u8.ToArray())]));
        await _fixture.Signer.SignAsync(_fixture.Layout, "", digest, "registry.test/app", null, default);

        var (found, _) = await SignerFixture.DiscoverAsync(_fixture.Layout, "", digest);

        Assert.Equal([SignatureArtifactDiscovery.SignatureKind], found.Artifacts.Select(a => a.Kind));
    }

    [Fact]
    public async Task A_Sigstore_bundle_attached_as_a_referrer_is_discovered_and_verified()
    {
        var digest = await _fixture.PushImageAsync();
        var head = await _fixture.Layout.HeadManifestAsync("", digest);
        var bundle = await File.ReadAllBytesAsync(Gatehouse.Testing.RepoPaths.TestData("cosign", "oci-attestation.sigstore.json"));
        await _fixture.Layout.AttachReferrerAsync("", new OciDescriptor { MediaType = head!.MediaType, Digest = digest, Size = head.Size },
            new ReferrerArtifact(CosignFormats.SigstoreBundleV03MediaType, [new ArtifactBlob(CosignFormats.SigstoreBundleV03MediaType, bundle)]));

        var (found, loaded) = await SignerFixture.DiscoverAsync(_fixture.Layout, "", digest);
        var result = SignerFixture.Verifier(SigstoreBundleTests.PublicGoodAuthority()).Verify(digest, loaded, found.Artifacts.Count);

        var referrer = Assert.Single(found.Artifacts);
        Assert.Equal((SignatureArtifactDiscovery.ReferrerKind, CosignFormats.SigstoreBundleV03MediaType, 1), (referrer.Kind, referrer.ArtifactType, referrer.Entries));
        // The real bundle attests another image: the chain, SCT and log entry verify, but the statement's subject is not this digest.
        var failure = Assert.Single(result.Result.Failures);
        Assert.Equal("artifact-digest-mismatch", failure.Code);
    }

    [Fact]
    public async Task An_unsigned_image_has_nothing_to_verify()
    {
        var digest = await _fixture.PushImageAsync();

        var (found, loaded) = await SignerFixture.DiscoverAsync(_fixture.Layout, "", digest);
        var result = SignerFixture.Verifier(_fixture.KeyAuthority()).Verify(digest, loaded, found.Artifacts.Count);

        Assert.Empty(found.Artifacts);
        Assert.Empty(result.Result.Signers);
        Assert.Empty(result.Result.Failures);
    }

    public void Dispose() => _fixture.Dispose();
}
