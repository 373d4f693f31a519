using System.Text.Json.Nodes;
using Gatehouse.Admission.Review;
using Gatehouse.Contracts;
using Gatehouse.Contracts.Decisions;
using Gatehouse.Contracts.Messages;
using Gatehouse.Testing;
using static Gatehouse.Admission.Tests.DecisionSeed;

namespace Gatehouse.Admission.Tests;

/// <summary>What admission tells the runtime inventory: admitted workloads, named by their owner, once per window.</summary>
public sealed class InventoryFeedTests : IDisposable
{
    private const string Image = "registry.example.com/shop/api@" + Debian;
    private readonly AdmissionFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private async Task<ReviewAnswer> ValidateAsync(string status, JsonObject review)
    {
        await _factory.Store.SetAsync(StoreKeys.DecisionVersions("prod"), Json(Versions("prod")));
        await _factory.Store.SetAsync(StoreKeys.Decision("prod", Debian), Json(Record("prod", Debian, status)));
        return await _factory.CreateClient().ValidateAsync(review);
    }

    private static JsonArray OwnedBy(string kind, string name) =>
        [new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = kind, ["name"] = name, ["controller"] = true, ["uid"] = "u-1" }];

    [Fact]
    public async Task An_admitted_pod_of_a_deployment_is_reported_under_the_deployment_with_its_digests_and_profiles()
    {
        var answer = await ValidateAsync(DecisionStatus.Allow, Reviews.Pod("prod-apps", [Image], ownerReferences: OwnedBy("ReplicaSet", "api-7d9c8f6b5")));
        Assert.True(answer.Allowed, answer.Json);
        var admitted = await _factory.PublishedAsync<WorkloadAdmitted>(m => m.Namespace == "prod-apps");
        Assert.Equal(("Deployment", "api", "Pod/web"), (admitted.OwnerKind, admitted.OwnerName, admitted.Object));
        var container = Assert.Single(admitted.Containers);
        Assert.Equal(("app-0", Image, Debian), (container.Name, container.Image, container.Digest));
        Assert.Equal(["prod"], admitted.Profiles);
    }

    [Fact]
    public async Task A_denied_or_dry_run_review_reports_nothing_and_a_repeat_within_the_window_is_not_resent()
    {
        Assert.False((await ValidateAsync(DecisionStatus.Deny, Reviews.Pod("prod-apps", [Image], uid: "denied"))).Allowed);
        Assert.True((await ValidateAsync(DecisionStatus.Allow, Reviews.Pod("prod-apps", [Image], dryRun: true, uid: "dry"))).Allowed);
        Assert.True((await ValidateAsync(DecisionStatus.Allow, Reviews.Pod("prod-apps", [Image], uid: "first"))).Allowed);
        Assert.True((await ValidateAsync(DecisionStatus.Allow, Reviews.Pod("prod-apps", [Image], uid: "again"))).Allowed);
        var admitted = await _factory.PublishedAsync<WorkloadAdmitted>(m => m.OwnerName == "web");
        Assert.Equal(("Pod", "web"), (admitted.OwnerKind, admitted.OwnerName));
        await Task.Delay(300);
        Assert.Single(_factory.PublishedSoFar<WorkloadAdmitted>());

        // After the window the same workload is reported again (that keeps an admission-only entry counted as running).
        _factory.Clock.Advance(TimeSpan.FromMinutes(11));
        Assert.True((await ValidateAsync(DecisionStatus.Allow, Reviews.Pod("prod-apps", [Image], uid: "later"))).Allowed);
        await Eventually.TrueAsync(() => _factory.PublishedSoFar<WorkloadAdmitted>().Count == 2, TimeSpan.FromSeconds(15), "the second report");
    }

    [Theory]
    [InlineData("Job", "report-29000000", "CronJob", "report")]
    [InlineData("Job", "db-migrate", "Job", "db-migrate")]
    [InlineData("Job", "backup-2024", "Job", "backup-2024")]                 // too short for a scheduled minute
    [InlineData("Job", "db-migrate-20240601", "Job", "db-migrate-20240601")] // a date stamp: minute 20240601 is in 2008
    [InlineData("Job", "release-1717171717", "Job", "release-1717171717")]   // epoch seconds: far past 2100 as minutes
    [InlineData("StatefulSet", "ledger", "StatefulSet", "ledger")]
    [InlineData("ReplicaSet", "web-abc", "ReplicaSet", "web-abc")]
    public async Task A_pod_is_reported_under_the_workload_its_controller_implies(string controllerKind, string controllerName, string kind, string name)
    {
        var answer = await ValidateAsync(DecisionStatus.Allow, Reviews.Pod("prod-apps", [Image], ownerReferences: OwnedBy(controllerKind, controllerName)));
        Assert.True(answer.Allowed, answer.Json);
        var admitted = await _factory.PublishedAsync<WorkloadAdmitted>(m => m.Namespace == "prod-apps");
        Assert.Equal((kind, name), (admitted.OwnerKind, admitted.OwnerName));
    }

    [Theory]
    [InlineData("web-7d9c8f6b5", "web")]
    [InlineData("my-app-v2-5b7c9d4f8x", "my-app-v2")]
    [InlineData("web-abc", null)]          // too short for a pod-template hash
    [InlineData("web-7d9c8f6b5a1", null)]  // '1' and 'a' are not in the hash alphabet
    [InlineData("web", null)]
    public void A_replica_set_name_gives_its_deployment_only_when_it_ends_in_a_template_hash(string replicaSet, string? deployment) =>
        Assert.Equal(deployment, Gatehouse.Policy.Model.WorkloadNaming.DeploymentOf(replicaSet));
}
