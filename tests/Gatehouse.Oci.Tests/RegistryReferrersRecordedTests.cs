using System.Net;
using System.Text;
using Gatehouse.Contracts;
using static Gatehouse.Oci.Tests.RecordedHttpHandler;
using static Gatehouse.Oci.Tests.RegistryFixtures;

namespace Gatehouse.Oci.Tests;

public sealed class RegistryReferrersRecordedTests
{
    private const string Sbom = "application/vnd.cyclonedx+json";
    private const string Signature = "application/vnd.dev.cosign.artifact.sig.v1+json";

    private static readonly string SubjectDigest = "sha256:" + new string('5', 64);

    private static byte[] IndexOf(params (string Digest, string ArtifactType)[] entries) => OciJson.Serialize(new OciImageIndex
    {
        MediaType = OciMediaTypes.ImageIndex,
        Manifests = entries.Select(e => new OciDescriptor
        {
            MediaType = OciMediaTypes.ImageManifest, Digest = e.Digest, Size = 321, ArtifactType = e.ArtifactType,
        }).ToList(),
    });

    [Fact]
    public async Task Registry_without_the_referrers_API_falls_back_to_the_tag_schema()
    {
        var sbom = "sha256:" + new string('1', 64);
        var sig = "sha256:" + new string('2', 64);
        var tagIndex = IndexOf((sbom, Sbom), (sig, Signature));
        var handler = new RecordedHttpHandler()
            .Expect(HttpMethod.Get, Url($"team/app/referrers/{SubjectDigest}?artifactType=application%2Fvnd.cyclonedx%2Bjson"),
                HttpStatusCode.NotFound, "404 page not found"u8.ToArray(), "text/plain")
            .Expect(HttpMethod.Get, Url($"team/app/manifests/sha256-{new string('5', 64)}"), _ => Manifest(tagIndex, OciMediaTypes.ImageIndex));
        var store = OciTestHost.Factory(handler).ForRegistry("registry.test");

        var referrers = await store.GetReferrersAsync("team/app", SubjectDigest, Sbom);

        var only = Assert.Single(referrers);
        Assert.Equal((sbom, Sbom), (only.Digest, only.ArtifactType));
        handler.AssertAllConsumed();
    }

    [Fact]
    public async Task No_referrers_tag_means_no_referrers()
    {
        var handler = new RecordedHttpHandler()
            .Expect(HttpMethod.Get, Url($"team/app/referrers/{SubjectDigest}"), HttpStatusCode.NotFound)
            .Expect(HttpMethod.Get, Url($"team/app/manifests/sha256-{new string('5', 64)}"), HttpStatusCode.NotFound,
                """{"errors":[{"code":"MANIFEST_UNKNOWN"}]}"""u8.ToArray(), "application/json");
        var store = OciTestHost.Factory(handler).ForRegistry("registry.test");

        Assert.Empty(await store.GetReferrersAsync("team/app", SubjectDigest));
        handler.AssertAllConsumed();
    }

    [Fact]
    public async Task Referrers_API_answer_is_used_and_filtered_even_if_the_registry_ignored_the_filter()
    {
        var sbom = "sha256:" + new string('1', 64);
        var handler = new RecordedHttpHandler()
            .Expect(HttpMethod.Get, Url($"team/app/referrers/{SubjectDigest}?artifactType=application%2Fvnd.cyclonedx%2Bjson"),
                HttpStatusCode.OK, IndexOf((sbom, Sbom), ("sha256:" + new string('2', 64), Signature)), OciMediaTypes.ImageIndex);
        var store = OciTestHost.Factory(handler).ForRegistry("registry.test");

        var referrers = await store.GetReferrersAsync("team/app", SubjectDigest, Sbom);

        Assert.Equal([sbom], referrers.Select(r => r.Digest));
        Assert.Equal([OciMediaTypes.ImageIndex], handler.Requests[0].Accept);
        handler.AssertAllConsumed();
    }

    [Fact]
    public async Task Attach_stops_after_the_manifest_push_when_the_registry_acknowledges_the_subject()
    {
        var content = Encoding.UTF8.GetBytes("""{"bomFormat":"CycloneDX"}""");
        var artifact = new ReferrerArtifact(Sbom, [new ArtifactBlob(Sbom, content)]);
        var subject = new OciDescriptor { MediaType = OciMediaTypes.ImageManifest, Digest = SubjectDigest, Size = 1234 };
        var expectedManifest = OciJson.Serialize(ReferrerManifests.BuildManifest(subject, artifact));
        var expectedDigest = Sha256(expectedManifest);
        var handler = new RecordedHttpHandler()
            .Expect(HttpMethod.Head, Url($"team/app/blobs/{OciMediaTypes.EmptyJsonDigest}"), HttpStatusCode.OK)
            .Expect(HttpMethod.Head, Url($"team/app/blobs/{Sha256(content)}"), HttpStatusCode.OK)
            .Expect(HttpMethod.Put, Url($"team/app/manifests/{expectedDigest}"), HttpStatusCode.Created, null, null,
                ("Docker-Content-Digest", expectedDigest), ("OCI-Subject", SubjectDigest));
        var store = OciTestHost.Factory(handler).ForRegistry("registry.test");

        var pushed = await store.AttachReferrerAsync("team/app", subject, artifact);

        Assert.Equal(expectedDigest, pushed.Digest);
        Assert.Equal(Sbom, pushed.ArtifactType);
        var sent = OciJson.DeserializeManifest(handler.Requests[2].Body!);
        Assert.Equal(SubjectDigest, sent.Subject?.Digest);
        Assert.Equal(Sbom, sent.ArtifactType);
        Assert.Equal(OciMediaTypes.Empty, sent.Config.MediaType);
        handler.AssertAllConsumed(); // and no tag-schema update followed
    }

    [Fact]
    public async Task Attach_without_the_referrers_API_adds_the_referrer_to_the_existing_tag_index()
    {
        var content = Encoding.UTF8.GetBytes("""{"bomFormat":"CycloneDX"}""");
        var artifact = new ReferrerArtifact(Sbom, [new ArtifactBlob(Sbom, content)]);
        var subject = new OciDescriptor { MediaType = OciMediaTypes.ImageManifest, Digest = SubjectDigest, Size = 1234 };
        var manifestDigest = Sha256(OciJson.Serialize(ReferrerManifests.BuildManifest(subject, artifact)));
        var earlier = "sha256:" + new string('2', 64);
        var tag = $"sha256-{new string('5', 64)}";
        var handler = new RecordedHttpHandler()
            .Expect(HttpMethod.Head, Url($"team/app/blobs/{OciMediaTypes.EmptyJsonDigest}"), HttpStatusCode.OK)
            .Expect(HttpMethod.Head, Url($"team/app/blobs/{Sha256(content)}"), HttpStatusCode.OK)
            .Expect(HttpMethod.Put, Url($"team/app/manifests/{manifestDigest}"), HttpStatusCode.Created)
            .Expect(HttpMethod.Get, Url($"team/app/manifests/{tag}"), _ => Manifest(IndexOf((earlier, Signature)), OciMediaTypes.ImageIndex))
            .Expect(HttpMethod.Put, Url($"team/app/manifests/{tag}"), HttpStatusCode.Created);
        var store = OciTestHost.Factory(handler).ForRegistry("registry.test");

        await store.AttachReferrerAsync("team/app", subject, artifact);

        var written = OciJson.DeserializeIndex(handler.Requests[^1].Body!);
        Assert.Equal([earlier, manifestDigest], written.Manifests.Select(m => m.Digest));
        Assert.Equal(Sbom, written.Manifests[1].ArtifactType);
        Assert.Equal(OciMediaTypes.ImageIndex, handler.Requests[^1].ContentType);
        handler.AssertAllConsumed();
    }

    [Theory]
    [InlineData("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "sha256-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void Tag_schema_tag_replaces_the_colon(string digest, string tag) => Assert.Equal(tag, ReferrerManifests.TagSchemaTag(digest));

    [Fact]
    public void Tag_schema_tag_for_sha512_is_cut_to_a_valid_tag()
    {
        var digest = ContentDigest.ComputeSha512("x"u8).ToString();

        var tag = ReferrerManifests.TagSchemaTag(digest);

        Assert.Equal("sha512-" + digest[7..71], tag);
        Assert.True(ImageReference.TryParse("registry.test/app:" + tag, out _, out var error), error);
    }
}
