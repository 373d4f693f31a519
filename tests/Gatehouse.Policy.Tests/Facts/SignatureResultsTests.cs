using Gatehouse.Contracts;
using Gatehouse.Contracts.Messages;
using Gatehouse.Policy.Facts;
using Gatehouse.Contracts.Decisions;
using Gatehouse.Policy.Model;
using Gatehouse.Testing;
using MassTransit.Testing;

namespace Gatehouse.Policy.Tests.Facts;

/// <summary>
/// A digest pushed to several repositories has a signature result for each: the decision uses their union under the
/// newest trust material, so a copy without signatures (a mirror) neither erases nor is erased by the signed one.
/// </summary>
public sealed class SignatureResultsTests : PolicyHarnessTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly VerifiedSigner Release = new("keyless", Issuer, Subject, null, "signature", T0);
    private static readonly VerifiedSigner Key = new("key", null, null, "SHA256:abc", "signature", T0);
    private static readonly SignatureFailure Expired = new("sha256-1.sig", "certificate-expired", "the certificate had expired");

    private static SignaturesVerified Result(string repository, VerifiedSigner[] signers, string trustRoot = "trust-1", int minutes = 0, SignatureFailure[]? failures = null) =>
        new("sha256:" + new string('a', 64), signers, failures ?? [], signers.Length + (failures?.Length ?? 0), trustRoot, T0.AddMinutes(minutes), "ghcr.io", repository);

    [Fact]
    public void Results_of_several_repositories_merge_into_the_union_of_signers_and_failures()
    {
        var merged = SignatureResults.Merge([
            Result("acme/api", [Release], minutes: 1),
            Result("acme/mirror", [], minutes: 5, failures: [Expired]),
            Result("acme/keyed", [Key, Release], minutes: 3)])!;
        Assert.Equal([Release, Key], merged.Signers);
        Assert.Equal([Expired], merged.Failures);
        Assert.Equal((4, "trust-1", T0.AddMinutes(5), null, null), (merged.ArtifactsFound, merged.TrustRootVersion, merged.VerifiedAt, merged.Registry, merged.Repository));
    }

    [Fact]
    public void Only_results_under_the_newest_trust_root_count()
    {
        var merged = SignatureResults.Merge([Result("acme/api", [Release], "trust-1", minutes: 1), Result("acme/mirror", [Key], "trust-2", minutes: 2)])!;
        Assert.Equal([Key], merged.Signers);
        Assert.Equal("trust-2", merged.TrustRootVersion);
    }

    [Fact]
    public void None_is_null_and_one_is_itself()
    {
        Assert.Null(SignatureResults.Merge([]));
        var one = Result("acme/api", [Release]);
        Assert.Same(one, SignatureResults.Merge([one]));
        Assert.Equal("ghcr.io/acme/api", SignatureResults.SourceOf(one));
        Assert.Null(SignatureResults.SourceOf(one with { Registry = null }));
    }

    [Fact]
    public async Task An_unsigned_copy_in_another_repository_does_not_undo_the_signed_one_and_a_new_trust_root_does()
    {
        var digest = NewDigest();
        await Factory.Store.SetAsync("gh:test:report:clean", """{"advisoryDataVersion": "adv-1", "findings": []}""");
        foreach (var message in new object[]
        {
            new ImagePushed("ghcr.io", "acme/api", "1.0", digest, "application/vnd.oci.image.manifest.v1+json", At, "test", "e1"),
            new SbomGenerated("ghcr.io", "acme/api", digest, "gh:test:sbom", "00", 12, "catalogers-1", At),
            new VulnerabilitiesFound(digest, "gh:test:report:clean", 0, 0, 0, 0, 0, 0, 0, 0, "adv-1", "sbom", At),
            new SignaturesVerified(digest, [new VerifiedSigner("keyless", Issuer, Subject, null, "signature", At)], [], 1, "trust-1", At, "ghcr.io", "acme/api"),
        })
        {
            await PublishAndConsumeAsync(message);
        }
        Assert.Equal(DecisionStatus.Allow, (await Factory.RecordAsync("prod", digest))!.Status);

        // The same digest copied to a second repository without its signatures, verified later there.
        await PublishAndConsumeAsync(new ImagePushed("ghcr.io", "acme/api-copy", "1.0", digest, "application/vnd.oci.image.manifest.v1+json", At, "test", "e2"));
        await PublishAndConsumeAsync(new SignaturesVerified(digest, [], [], 0, "trust-1", At.AddMinutes(1), "ghcr.io", "acme/api-copy"));
        var record = (await Factory.RecordAsync("prod", digest))!;
        Assert.Equal(DecisionStatus.Allow, record.Status);
        Assert.Contains(record.Reasons, r => r.Code == ReasonCodes.SignatureVerified);

        // New trust material, under which only the copy has been verified yet: the older verdict no longer counts.
        await PublishAndConsumeAsync(new SignaturesVerified(digest, [], [], 0, "trust-2", At.AddMinutes(2), "ghcr.io", "acme/api-copy"));
        record = await Eventually.GetAsync(async () => await Factory.RecordAsync("prod", digest) is { TrustRootVersion: "trust-2" } r ? r : null, Wait, "the decision under trust-2");
        Assert.Equal(DecisionStatus.Deny, record.Status);
        Assert.Contains(record.Reasons, r => r.Code == ReasonCodes.SignatureMissing);
    }
}
