using Gatehouse.Admission.Profiles;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Admission.Tests;

/// <summary>Namespace labels: readiness before the watch has listed, and a namespace that arrives just after its workload.</summary>
public sealed class NamespaceTests
{
    private const string Unknown = "registry.example.com/shop/cart@sha256:5555555555555555555555555555555555555555555555555555555555555555";

    [Fact]
    public async Task A_watched_cluster_is_not_ready_until_the_namespaces_were_listed()
    {
        var labels = new NamespaceLabels(new AdmissionOptions());
        labels.ExpectWatch();
        Assert.Equal(HealthStatus.Unhealthy, (await labels.CheckHealthAsync(new HealthCheckContext())).Status);
        labels.ReplaceAll([]);
        labels.MarkSynced();
        Assert.Equal(HealthStatus.Healthy, (await labels.CheckHealthAsync(new HealthCheckContext())).Status);
    }

    [Fact]
    public async Task A_request_for_a_namespace_the_watch_has_not_delivered_waits_for_it()
    {
        await using var factory = new AdmissionFactory().With("Gatehouse:Admission:UnknownNamespaceWait", "00:00:30");
        var client = factory.CreateClient();
        var labels = factory.Services.GetRequiredService<NamespaceLabels>();
        labels.ExpectWatch();

        // By its name alone "team-new" is governed by no profile and would be admitted; its labels make it prod.
        var answer = client.ValidateAsync(Reviews.Pod("team-new", [Unknown]));
        await Gatehouse.Testing.Eventually.TrueAsync(() => labels.Waiting == 1, TimeSpan.FromSeconds(10), "the request to wait");
        labels.Set("team-new", new Dictionary<string, string> { ["env"] = "prod" });

        var result = await answer;
        Assert.False(result.Allowed);
        Assert.StartsWith("profile \"prod\"", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_namespace_that_never_arrives_is_resolved_by_its_name_after_the_wait()
    {
        await using var factory = new AdmissionFactory().With("Gatehouse:Admission:UnknownNamespaceWait", "00:00:00.050");
        var client = factory.CreateClient();
        factory.Services.GetRequiredService<NamespaceLabels>().ExpectWatch();
        var answer = await client.ValidateAsync(Reviews.Pod("kube-system", [Unknown]));
        Assert.True(answer.Allowed);
    }
}
