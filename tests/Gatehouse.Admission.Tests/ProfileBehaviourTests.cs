using Gatehouse.Contracts.Messages;
using Gatehouse.Testing;
using static Gatehouse.Admission.Tests.DecisionSeed;

namespace Gatehouse.Admission.Tests;

/// <summary>Per-profile behaviour: unknown images, dry runs, warn and audit modes, registries and pinning.</summary>
public sealed class ProfileBehaviourTests : IAsyncLifetime, IDisposable
{
    private const string Unknown = "registry.example.com/shop/cart@sha256:5555555555555555555555555555555555555555555555555555555555555555";
    private readonly AdmissionFactory _factory = new();
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        await _factory.SeedAsync();
        _client = _factory.CreateClient();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _factory.Dispose();

    /// <summary>Scan requests published so far, after waiting for one with <paramref name="reference"/> when given.</summary>
    private async Task<IReadOnlyList<ScanRequested>> ScanRequestsAsync(string? reference = null)
    {
        if (reference is not null) await _factory.PublishedAsync<ScanRequested>(s => s.Reference == reference);
        return _factory.PublishedSoFar<ScanRequested>();
    }

    [Fact]
    public async Task Prod_denies_an_unknown_digest_and_requests_a_scan()
    {
        var answer = await _client.ValidateAsync(Reviews.Pod("prod-apps", [Unknown]));
        Assert.False(answer.Allowed);
        Assert.Equal($"profile \"prod\": container \"app-0\" image \"{Unknown}\": not yet analysed — scan requested", answer.Message);
        var scan = Assert.Single(await ScanRequestsAsync(Unknown));
        Assert.Equal(ManualClock.Start, scan.RequestedAt);
        Assert.Contains("prod-apps", scan.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dev_admits_an_unknown_digest_with_a_warning()
    {
        var answer = await _client.ValidateAsync(Reviews.Pod("dev-apps", [Unknown]));
        Assert.True(answer.Allowed);
        Assert.Null(answer.Message);
        Assert.Equal([$"container \"app-0\" image \"{Unknown}\": not yet analysed — scan requested; allowed without a decision"], answer.Warnings);
        Assert.Single(await ScanRequestsAsync(Unknown));
    }

    [Fact]
    public async Task An_unknown_tag_is_resolved_to_nothing_and_the_scan_names_the_tag()
    {
        var answer = await _client.ValidateAsync(Reviews.Pod("prod-apps", ["registry.example.com/shop/cart:2.1"]));
        Assert.False(answer.Allowed);
        Assert.Single(await ScanRequestsAsync("registry.example.com/shop/cart:2.1"));
    }

    [Fact]
    public async Task A_tag_known_to_the_tag_map_is_decided_by_its_digest()
    {
        var answer = await _client.ValidateAsync(Reviews.Pod("prod-apps", ["ghcr.io/kubewarden/test-verify-image-signatures:unsigned"]));
        Assert.False(answer.Allowed);
        Assert.Contains(NoSignature.Message, answer.Message, StringComparison.Ordinal);
        Assert.Contains(OpensslCve.Message, answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dry_run_has_no_side_effects()
    {
        var dry = await _client.ValidateAsync(Reviews.Pod("prod-apps", [Unknown], dryRun: true, uid: "dry"));
        Assert.False(dry.Allowed);
        Assert.EndsWith("not yet analysed (dry run: no scan requested)", dry.Message, StringComparison.Ordinal);

        // The queue is first in, first out: once the later request's scan is published, the dry run's would have been.
        const string Later = "registry.example.com/shop/later:1";
        await _client.ValidateAsync(Reviews.Pod("prod-apps", [Later], uid: "later"));
        Assert.DoesNotContain(await ScanRequestsAsync(Later), s => s.Reference == Unknown);
    }

    [Fact]
    public async Task A_digest_is_asked_to_be_scanned_once_per_window()
    {
        await _client.ValidateAsync(Reviews.Pod("prod-apps", [Unknown], uid: "a"));
        await _client.ValidateAsync(Reviews.Pod("prod-apps", [Unknown], uid: "b"));
        _factory.Clock.Advance(TimeSpan.FromMinutes(6));
        await _client.ValidateAsync(Reviews.Pod("prod-apps", [Unknown], uid: "c"));
        // "c" is the second request that may publish; a marker after it shows the queue got past it.
        const string Marker = "registry.example.com/shop/marker:1";
        await _client.ValidateAsync(Reviews.Pod("prod-apps", [Marker], uid: "d"));
        Assert.Equal(2, (await ScanRequestsAsync(Marker)).Count(s => s.Reference == Unknown));
    }

    [Fact]
    public async Task Warn_mode_turns_denies_into_warnings()
    {
        var answer = await _client.ValidateAsync(Reviews.Pod("staging-apps", ["ghcr.io/kubewarden/test-verify-image-signatures:unsigned"]));
        Assert.True(answer.Allowed);
        var warning = Assert.Single(answer.Warnings);
        Assert.StartsWith("would be denied (profile \"staging\" is in warn mode): container \"app-0\"", warning, StringComparison.Ordinal);
        Assert.Contains("CVE-2023-5678", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_mode_admits_silently_and_records_the_denial_for_the_audit_log()
    {
        var answer = await _client.ValidateAsync(Reviews.Pod("legacy-apps", ["ghcr.io/kubewarden/test-verify-image-signatures:unsigned"]));
        Assert.True(answer.Allowed);
        Assert.Empty(answer.Warnings);
        Assert.Contains("CVE-2023-5678", answer.AuditAnnotations["legacy.would-deny"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Images_outside_the_approved_registries_are_denied_without_a_lookup()
    {
        var answer = await _client.ValidateAsync(Reviews.Pod("prod-apps", ["quay.io/evil/miner:1"]));
        Assert.False(answer.Allowed);
        Assert.Contains("quay.io/evil/miner is not in an approved registry for profile \"prod\" (approved: ghcr.io/kubewarden/**, docker.io/library/*, registry.example.com/**)",
            answer.Message, StringComparison.Ordinal);
        Assert.Empty(await ScanRequestsAsync());
    }

    [Fact]
    public async Task A_profile_that_requires_digests_denies_tags()
    {
        var answer = await _client.ValidateAsync(Reviews.Pod("payments", ["ghcr.io/kubewarden/test-verify-image-signatures:signed"]));
        Assert.False(answer.Allowed);
        Assert.Contains("profile \"pinned\" requires images pinned by digest", answer.Message, StringComparison.Ordinal);
        var pinned = await _client.ValidateAsync(Reviews.Pod("payments", ["ghcr.io/kubewarden/test-verify-image-signatures@" + Signed]));
        Assert.True(pinned.Allowed, pinned.Json);
    }

    [Fact]
    public async Task An_invalid_reference_is_denied_with_the_parser_reason()
    {
        var answer = await _client.ValidateAsync(Reviews.Pod("prod-apps", ["Registry.Example.com/UPPER/case:1"]));
        Assert.False(answer.Allowed);
        Assert.Contains("not a valid image reference (repository name 'UPPER/case' must be lowercase)", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_container_is_checked_and_every_problem_reported()
    {
        var answer = await _client.ValidateAsync(Reviews.Pod("prod-apps",
            ["ghcr.io/kubewarden/test-verify-image-signatures:signed", "ghcr.io/kubewarden/test-verify-image-signatures:unsigned"],
            initImages: ["quay.io/x/y:1"]));
        Assert.False(answer.Allowed);
        Assert.Contains("container \"app-1\" image \"ghcr.io/kubewarden/test-verify-image-signatures:unsigned\"", answer.Message, StringComparison.Ordinal);
        Assert.Contains("init container \"init-0\" image \"quay.io/x/y:1\"", answer.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("app-0", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_namespace_no_profile_selects_is_not_governed()
    {
        var answer = await _client.ValidateAsync(Reviews.Pod("kube-system", ["quay.io/anything:1"]));
        Assert.True(answer.Allowed);
        Assert.Empty(answer.Warnings);
        Assert.Empty(await ScanRequestsAsync());
    }

    [Fact]
    public async Task The_default_profile_governs_namespaces_no_profile_selects()
    {
        await using var factory = new AdmissionFactory().With("Gatehouse:Admission:DefaultProfile", "prod");
        var answer = await factory.CreateClient().ValidateAsync(Reviews.Pod("nobody-knows", ["quay.io/anything:1"]));
        Assert.False(answer.Allowed);
        Assert.StartsWith("profile \"prod\": container \"app-0\" image \"quay.io/anything:1\": quay.io/anything is not in an approved registry", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_default_profile_that_no_policy_defines_is_strict()
    {
        await using var factory = new AdmissionFactory().With("Gatehouse:Admission:DefaultProfile", "fallback");
        var answer = await factory.CreateClient().ValidateAsync(Reviews.Pod("nobody-knows", ["quay.io/anything:1"]));
        Assert.False(answer.Allowed);
        Assert.Equal("profile \"fallback\": container \"app-0\" image \"quay.io/anything:1\": not yet analysed — scan requested", answer.Message);
    }

    [Fact]
    public async Task Every_profile_that_selects_a_namespace_must_admit()
    {
        // payments is selected by prod and by pinned: the tag passes prod (allowed decision) but not pinned.
        var answer = await _client.ValidateAsync(Reviews.Pod("payments", ["ghcr.io/kubewarden/test-verify-image-signatures:signed"]));
        Assert.False(answer.Allowed);
        Assert.Equal("profile \"pinned\": container \"app-0\" image \"ghcr.io/kubewarden/test-verify-image-signatures:signed\": " +
            "profile \"pinned\" requires images pinned by digest (name@sha256:…)", answer.Message);

        // An unknown digest is denied by both, and one scan is requested.
        var unknown = await _client.ValidateAsync(Reviews.Pod("payments", [Unknown]));
        Assert.StartsWith("profile \"pinned\": ", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("; profile \"prod\": ", unknown.Message, StringComparison.Ordinal);
        Assert.Single(await ScanRequestsAsync(Unknown));
    }
}
