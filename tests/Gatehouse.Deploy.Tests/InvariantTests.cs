using Gatehouse.Deploy.Tests.Rendering;
using Gatehouse.Deploy.Tests.Validation;

namespace Gatehouse.Deploy.Tests;

/// <summary>The rendered overlays keep every rule (see <see cref="Invariants"/>); InvariantMutationTests shows each can fail.</summary>
public sealed class InvariantTests
{
    public static TheoryData<string> Environments => RenderingTests.Environments;

    [Theory]
    [MemberData(nameof(Environments))]
    public void Webhooks_never_match_their_own_namespace_or_kube_system(string environment) =>
        Assert.Empty(Invariants.WebhooksSkipProtectedNamespaces(Kustomize.Overlay(environment)));

    [Theory]
    [MemberData(nameof(Environments))]
    public void Webhooks_use_v1_no_side_effects_a_3s_timeout_and_injected_tls(string environment) =>
        Assert.Empty(Invariants.WebhookSettings(Kustomize.Overlay(environment)));

    [Theory]
    [InlineData("dev", "Ignore")]
    [InlineData("prod", "Fail")]
    public void Webhooks_fail_closed_in_prod_and_open_in_dev(string environment, string expected) =>
        Assert.Empty(Invariants.FailurePolicy(Kustomize.Overlay(environment), expected));

    [Theory]
    [MemberData(nameof(Environments))]
    public void Every_container_has_probes_limits_and_a_restricted_security_context(string environment) =>
        Assert.Empty(Invariants.ContainersAreHardened(Kustomize.Overlay(environment)));

    [Fact]
    public void Prod_references_every_image_by_digest() =>
        Assert.Empty(Invariants.ImagesByDigest(Kustomize.Overlay("prod")));

    [Fact]
    public void Dev_uses_tags_so_the_digest_check_is_not_vacuous() =>
        Assert.NotEmpty(Invariants.ImagesByDigest(Kustomize.Overlay("dev")));

    [Theory]
    [MemberData(nameof(Environments))]
    public void Rbac_has_no_wildcards_and_only_reads_but_the_policy_lease(string environment) =>
        Assert.Empty(Invariants.RbacIsLeastPrivilege(Kustomize.Overlay(environment)));

    [Theory]
    [MemberData(nameof(Environments))]
    public void Policy_can_watch_pods_get_their_replicasets_and_jobs_and_hold_its_lease(string environment) =>
        Assert.Empty(Invariants.PolicyCanKeepTheInventory(Kustomize.Overlay(environment)));

    [Theory]
    [MemberData(nameof(Environments))]
    public void Each_workload_has_a_pdb_and_its_own_service_account(string environment) =>
        Assert.Empty(Invariants.WorkloadsHavePdbAndServiceAccount(Kustomize.Overlay(environment)));

    [Theory]
    [MemberData(nameof(Environments))]
    public void No_secret_value_is_rendered(string environment) =>
        Assert.Empty(Invariants.SecretsAreReferencedNotInlined(Kustomize.Overlay(environment)));

    [Theory]
    [MemberData(nameof(Environments))]
    public void Objects_live_in_the_gatehouse_namespace_or_are_cluster_scoped(string environment) =>
        Assert.Empty(Invariants.NamespacesAreRight(Kustomize.Overlay(environment)));

    [Theory]
    [MemberData(nameof(Environments))]
    public void References_between_objects_resolve(string environment) =>
        Assert.Empty(Invariants.ReferencesResolve(Kustomize.Overlay(environment)));
}
