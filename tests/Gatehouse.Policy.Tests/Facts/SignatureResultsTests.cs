using Gatehouse.Contracts;
using Gatehouse.Contracts.Messages;
using Gatehouse.Policy.Facts;
using Gatehouse.Contracts.Decisions;
using Gatehouse.Policy.Model;
using Gatehouse.ServiceDefaults.Store;
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
    public void Results_under_the_current_trust_root_count_and_an_older_verdict_only_when_they_establish_no_signer()
    {
        // Under the current root: the older result is stale (its repository not verified again), its signer and failures dropped.
        var current = SignatureResults.Merge([Result("acme/api", [Release], "trust-1", minutes: 1, failures: [Expired]), Result("acme/mirror", [Key], "trust-2", minutes: 2)], "trust-2")!;
        Assert.Equal([Key], current.Signers);
        Assert.Equal("trust-2", current.TrustRootVersion);
        Assert.Empty(current.Failures);

        // Nothing signed under the current root, a signer under an older one: that verdict stands at its root (not current).
        var stale = SignatureResults.Merge([Result("acme/api", [Release], "trust-1", minutes: 1), Result("acme/mirror", [], "trust-2", minutes: 2)], "trust-2")!;
        Assert.Equal([Release], stale.Signers);
        Assert.Equal(("trust-1", T0.AddMinutes(1)), (stale.TrustRootVersion, stale.VerifiedAt));

        // A later result under a root that is not the current one (a signer replica not yet rolled over) does not decide.
        var lagging = SignatureResults.Merge([Result("acme/api", [Release], "trust-2", minutes: 1), Result("acme/mirror", [], "trust-1", minutes: 5)], "trust-2")!;
        Assert.Equal([Release], lagging.Signers);
        Assert.Equal("trust-2", lagging.TrustRootVersion);

        // Nothing signed anywhere: the current root's results, failures and all.
        var unsigned = SignatureResults.Merge([Result("acme/api", [], "trust-1", minutes: 1), Result("acme/mirror", [], "trust-2", minutes: 2, failures: [Expired])], "trust-2")!;
        Assert.Equal(("trust-2", 0), (unsigned.TrustRootVersion, unsigned.Signers.Count));
        Assert.Equal([Expired], unsigned.Failures);

        // The same signer read from two repositories (signed at another moment) is one signer.
        var twice = SignatureResults.Merge([Result("acme/api", [Release]), Result("acme/mirror", [Release with { SignedAt = T0.AddHours(1) }])])!;
        Assert.Equal([Release], twice.Signers);
    }

    [Fact]
    public async Task A_result_stored_without_its_source_counts_until_a_repository_has_a_newer_one()
    {
        // Stored by a signer from before results were kept per repository.
        var facts = new FactStore(new InMemoryKeyValueStore());
        var legacy = Result("acme/api", [Release]) with { Registry = null, Repository = null };
        await facts.PutSignaturesAsync(legacy);
        Assert.Equal([Release], (await facts.ReadAsync(legacy.Digest)).Signatures!.Signers);

        await facts.PutSignaturesAsync(Result("acme/api", [], minutes: 1));
        var read = (await facts.ReadAsync(legacy.Digest)).Signatures!;
        Assert.Empty(read.Signers);
        Assert.Equal(T0.AddMinutes(1), read.VerifiedAt);
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
    public async Task An_unsigned_copy_does_not_undo_the_signed_repository_and_a_new_trust_root_waits_for_it_to_be_verified_again()
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

        // New trust material, under which only the copy has been verified yet: the signed repository's verdict is neither
        // confirmed nor ruled out, so the decision stays under the old root (not current: admission treats it as unknown).
        await PublishAndConsumeAsync(new SignaturesVerified(digest, [], [], 0, "trust-2", At.AddMinutes(2), "ghcr.io", "acme/api-copy"));
        await Eventually.TrueAsync(() => Factory.VersionsAsync("prod").Result?.TrustRootVersion == "trust-2", Wait, "prod versions under trust-2");
        record = (await Factory.RecordAsync("prod", digest))!;
        Assert.Equal("trust-1", record.TrustRootVersion);
        Assert.False((await Factory.VersionsAsync("prod"))!.Matches(record));

        // The signed repository verified again under trust-2: current, and allowed.
        await PublishAndConsumeAsync(new SignaturesVerified(digest, [new VerifiedSigner("keyless", Issuer, Subject, null, "signature", At)], [], 1, "trust-2", At.AddMinutes(3), "ghcr.io", "acme/api"));
        record = await Eventually.GetAsync(async () => await Factory.RecordAsync("prod", digest) is { TrustRootVersion: "trust-2" } r ? r : null, Wait, "the decision under trust-2");
        Assert.Equal(DecisionStatus.Allow, record.Status);

        // Under trust-2 the identity is no longer trusted (nothing verifies in either repository): a current deny.
        await PublishAndConsumeAsync(new SignaturesVerified(digest, [], [], 1, "trust-2", At.AddMinutes(4), "ghcr.io", "acme/api"));
        record = await Eventually.GetAsync(async () => await Factory.RecordAsync("prod", digest) is { Status: DecisionStatus.Deny } r ? r : null, Wait, "the deny");
        Assert.Contains(record.Reasons, r => r.Code == ReasonCodes.SignatureMissing);
        Assert.True((await Factory.VersionsAsync("prod"))!.Matches(record));
    }
}
