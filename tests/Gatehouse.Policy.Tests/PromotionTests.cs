using Gatehouse.Contracts.Messages;
using Gatehouse.Testing;
using MassTransit.Testing;

namespace Gatehouse.Policy.Tests;

/// <summary>A profile with <c>promote: true</c> asks the signer to sign and attest what it allows, and nothing else.</summary>
public sealed class PromotionTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private const string ReleasePolicy = """
        apiVersion: gatehouse.dev/v1alpha1
        kind: ImagePolicy
        metadata: {name: release}
        spec:
          profile: release
          namespaceSelector: {matchLabels: {gatehouse.dev/profile: release}}
          vulnerabilities: {denySeverity: CRITICAL}
          promote: true
        """;

    private readonly PolicyServiceFactory _factory = new();
    private ITestHarness Harness => _factory.Harness;

    public Task InitializeAsync()
    {
        _factory.WritePolicy("release.yaml", ReleasePolicy);
        _factory.WritePolicy("prod.yaml", PolicyServiceFactory.ProdPolicy.Replace("  profile: prod\n", "  profile: prod\n  promote: true\n", StringComparison.Ordinal));
        _factory.CreateClient().Dispose();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    public void Dispose() => _factory.Dispose();

    private async Task<(string Digest, string ReportRef)> PublishFactsAsync(string findingSeverity)
    {
        var digest = "sha256:" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var reportRef = $"gh:test:report:{digest}";
        await _factory.Store.SetAsync(reportRef, $$"""
            {"advisoryDataVersion": "adv-1", "findings": [{"id": "CVE-2023-5678", "package": {"name": "openssl"}, "installedVersion": "3.0.11-1~deb12u1",
              "fixedVersions": ["3.0.13-1~deb12u1"], "severity": {"level": "{{findingSeverity}}"}, "status": "affected"}]}
            """);
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        object[] facts =
        [
            new SbomGenerated("ghcr.io", "acme/api", digest, "gh:test:sbom", new string('5', 64), 12, "catalogers-1", at),
            new VulnerabilitiesFound(digest, reportRef, 0, 1, 0, 0, 0, 0, 1, 0, "adv-1", "sbom", at),
            new SignaturesVerified(digest, [], [], 0, "trust-1", at),
        ];
        foreach (var fact in facts) await Harness.Bus.Publish(fact);
        await Eventually.TrueAsync(() => Harness.Consumed.Select<SignaturesVerified>(m => m.Context.Message.Digest == digest).Any(), Wait, "the facts consumed");
        await Eventually.GetAsync(async () => await _factory.RecordAsync("release", digest) is { AdvisoryDataVersion: "adv-1" } record ? record : null,
            Wait, "the release decision");
        return (digest, reportRef);
    }

    [Fact]
    public async Task An_allowed_image_is_sent_for_signing_with_the_evidence_policy_decided_on()
    {
        var (digest, reportRef) = await PublishFactsAsync("HIGH");

        await Eventually.TrueAsync(() => Harness.Published.Select<SignImage>(m => m.Context.Message.Digest == digest).Any(), Wait, "SignImage");
        var sign = Harness.Published.Select<SignImage>(m => m.Context.Message.Digest == digest).Last().Context.Message;
        Assert.Equal(("ghcr.io", "acme/api", "release", new string('5', 64), reportRef, "adv-1"),
            (sign.Registry, sign.Repository, sign.Profile, sign.SbomSha256, sign.ReportRef, sign.AdvisoryDataVersion));
        // prod promotes too, but denies this unsigned image from an unapproved registry: it asks for nothing.
        Assert.DoesNotContain(Harness.Published.Select<SignImage>(m => m.Context.Message.Digest == digest), m => m.Context.Message.Profile == "prod");
    }

    [Fact]
    public async Task A_denied_image_is_not_sent_for_signing()
    {
        var (digest, _) = await PublishFactsAsync("CRITICAL");

        Assert.Equal("deny", (await _factory.RecordAsync("release", digest))!.Status);
        Assert.DoesNotContain(Harness.Published.Select<SignImage>(), m => m.Context.Message.Digest == digest);
    }
}
