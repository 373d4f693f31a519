using Gatehouse.Contracts;
using Gatehouse.Scanner.Sbom;
using Gatehouse.ServiceDefaults.Store;
using Gatehouse.Testing;

namespace Gatehouse.Integration.Tests;

/// <summary>Push → SBOM attached to the image as a referrer, indexed by purl in Redis, extracted once per digest.</summary>
[Collection(RealServicesCollection.Name)]
public sealed class SbomPipelineTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_pushed_image_gets_an_attached_indexed_sbom_and_a_second_push_extracts_nothing()
    {
        await using var pipeline = await RealPipeline.StartAsync();
        var layout = Path.Combine(TestInfra.ImagesDirectory, "debian12");
        var expected = await pipeline.Images.ForLayout(layout).ResolveAsync("", "12");
        var digest = expected.ManifestDigest;
        await pipeline.Store.DeleteAsync(StoreKeys.SbomRecord(digest)); // prove the whole path, not a stored result
        var index = new SbomIndex(pipeline.Store);
        var repository = $"e2e/sbom-{Guid.NewGuid():N}"[..22];

        await RealPipeline.PushAsync(layout, "12", repository, "12");
        var record = await Eventually.GetAsync(() => index.GetRecordAsync(digest), Patience, "the SBOM record");

        var dpkgRows = await File.ReadAllLinesAsync(Path.Combine(TestInfra.ImagesDirectory, "debian12.dpkg-query.tsv"));
        var sbom = await index.GetSbomAsync(digest) ?? throw new InvalidOperationException("SBOM document not stored");
        var debs = sbom.Components!.Where(c => c.Purl?.StartsWith("pkg:deb/", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(dpkgRows.Count(r => r.Length > 0), debs.Count);
        Assert.Contains(digest, await index.ImagesWithAsync("pkg:deb/debian/libc6"));
        var libc = debs.Single(c => c.Name == "libc6");
        Assert.Contains(digest, await index.ImagesWithAsync(libc.Purl!));
        Assert.DoesNotContain(digest, await index.ImagesWithAsync("pkg:deb/debian/libc6@0.0-not-installed"));

        // Attached beside the image as an OCI referrer, and the stored hash is the attached document's.
        var registry = pipeline.Images.ForRegistry(TestInfra.Registry);
        var referrers = await registry.GetReferrersAsync(record.Repository, digest, "application/vnd.cyclonedx+json");
        var referrer = Assert.Single(referrers, r => record.SbomRef.EndsWith(r.Digest, StringComparison.Ordinal));
        Assert.Equal(64, record.Sha256.Length);
        Assert.Equal(record.ComponentCount, sbom.Components!.Count);
        Assert.NotNull(referrer);

        // The same digest pushed again (another repository): announced again, not extracted again.
        await RealPipeline.PushAsync(layout, "12", repository + "-again", "12");
        await Task.Delay(TimeSpan.FromSeconds(5));
        var after = await index.GetRecordAsync(digest);
        Assert.Equal(record.GeneratedAt, after!.GeneratedAt);
        Assert.Equal(record.SbomRef, after.SbomRef);
    }
}
