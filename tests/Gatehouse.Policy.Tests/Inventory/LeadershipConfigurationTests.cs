using System.Net;
using Gatehouse.Policy.Inventory;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Gatehouse.Policy.Tests.Inventory;

/// <summary>Who elects (and who leads without an election), what the options accept, and the fake's Leases being realistic.</summary>
public sealed class LeadershipConfigurationTests
{
    private static ServiceProvider Services(params (string Key, string Value)[] settings) => Services(out _, settings);

    private static ServiceProvider Services(out IServiceCollection registered, params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        builder.AddRuntimeInventory();
        builder.Services.AddSingleton<Gatehouse.ServiceDefaults.Store.IKeyValueStore, Gatehouse.ServiceDefaults.Store.InMemoryKeyValueStore>();
        builder.Services.AddLogging();
        registered = builder.Services;
        return builder.Services.BuildServiceProvider();
    }

    [Theory]
    [InlineData("Off", null)]
    [InlineData("On", null)]
    [InlineData("Auto", "redis:6379")]
    public void A_process_that_does_not_share_a_watch_leads_unconditionally(string mode, string? redis)
    {
        var settings = new List<(string, string)> { ("Gatehouse:Inventory:Mode", mode), ("Gatehouse:Inventory:Leadership:Identity", "policy-x") };
        if (redis is not null) settings.Add(("Gatehouse:Redis", redis));
        using var services = Services(out var registered, [.. settings]);

        var leadership = services.GetRequiredService<IInventoryLeadership>();
        Assert.True(leadership.IsLeader);
        Assert.Equal("policy-x", leadership.Identity);
        Assert.True(leadership.WaitForLeadershipAsync(CancellationToken.None).IsCompletedSuccessfully);
        Assert.DoesNotContain(registered, d => d.ImplementationType == typeof(LeadershipElection));
    }

    [Fact]
    public void Replicas_sharing_redis_with_the_watch_on_elect_before_they_lead()
    {
        using var services = Services(out var registered, ("Gatehouse:Inventory:Mode", "On"), ("Gatehouse:Redis", "redis:6379"),
            ("Gatehouse:Inventory:Leadership:Identity", "policy-x"));

        var leadership = services.GetRequiredService<IInventoryLeadership>();
        Assert.False(leadership.IsLeader);
        Assert.Same(services.GetRequiredService<InventoryLeadership>(), leadership);
        // The election starts before the watcher (and so stops after it, releasing the Lease last).
        var hosted = registered.Where(d => d.ServiceType == typeof(IHostedService)).ToList();
        var election = hosted.FindIndex(d => d.ImplementationType == typeof(LeadershipElection));
        Assert.InRange(election, 0, hosted.Count - 2);
        Assert.Contains(registered, d => d.ServiceType == typeof(PodInventoryWatcher));
        Assert.Equal("gatehouse-policy-inventory", services.GetRequiredService<IOptions<LeadershipOptions>>().Value.LeaseName);
    }

    [Theory]
    [InlineData("LeaseDuration", "00:00:10", "RenewDeadline")] // retry 2 s + renew 10 s is not shorter than the lease
    [InlineData("LeaseDuration", "00:00:15.500", "whole seconds")]
    [InlineData("RenewDeadline", "00:00:02", "1.2")]
    [InlineData("RetryPeriod", "00:00:00.010", "RetryPeriod")]
    [InlineData("LeaseName", "Gatehouse_Lease", "LeaseName")]
    [InlineData("LeaseNamespace", "Gate-house", "LeaseNamespace")]
    public void Leadership_options_are_validated_at_start(string field, string value, string message)
    {
        using var services = Services(("Gatehouse:Inventory:Leadership:" + field, value));
        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<LeadershipOptions>>().Value);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_leadership_and_heartbeat_options_are_valid()
    {
        Assert.True(new LeadershipOptionsValidator().Validate(null, new LeadershipOptions()).Succeeded);
        var inventory = new InventoryOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(10) };
        Assert.Contains("HeartbeatInterval", string.Join(" ", new InventoryOptionsValidator().Validate(null, inventory).Failures ?? []), StringComparison.Ordinal);
    }

    [Fact]
    public void The_identity_is_the_configured_name_else_the_pod_name_else_the_host_name()
    {
        Assert.Equal("configured", new LeadershipOptions { Identity = "configured" }.ResolveIdentity());
        var fromEnvironment = Environment.GetEnvironmentVariable("POD_NAME");
        Assert.Equal(string.IsNullOrWhiteSpace(fromEnvironment) ? Environment.MachineName : fromEnvironment.Trim(), new LeadershipOptions().ResolveIdentity());
        Assert.Equal("elsewhere", new LeadershipOptions { LeaseNamespace = "elsewhere" }.ResolveNamespace());
    }

    [Fact]
    public async Task The_fake_api_server_refuses_a_second_create_and_a_stale_replace_as_the_real_one_does()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        var client = api.Client("test");
        V1Lease Lease(string holder) => new()
        {
            Metadata = new V1ObjectMeta { Name = "l", NamespaceProperty = "gatehouse" },
            Spec = new V1LeaseSpec { HolderIdentity = holder, LeaseDurationSeconds = 15 },
        };

        var missing = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoordinationV1.ReadNamespacedLeaseAsync("l", "gatehouse"));
        Assert.Equal(HttpStatusCode.NotFound, missing.Response.StatusCode);
        var created = await client.CoordinationV1.CreateNamespacedLeaseAsync(Lease("a"), "gatehouse");
        var again = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoordinationV1.CreateNamespacedLeaseAsync(Lease("b"), "gatehouse"));
        Assert.Equal(HttpStatusCode.Conflict, again.Response.StatusCode);

        created.Spec.HolderIdentity = "b";
        var replaced = await client.CoordinationV1.ReplaceNamespacedLeaseAsync(created, "l", "gatehouse");
        Assert.NotEqual(created.Metadata.ResourceVersion, replaced.Metadata.ResourceVersion);
        created.Spec.HolderIdentity = "c";
        var stale = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoordinationV1.ReplaceNamespacedLeaseAsync(created, "l", "gatehouse"));
        Assert.Equal(HttpStatusCode.Conflict, stale.Response.StatusCode);
        Assert.Equal("b", api.LeaseHolder("gatehouse", "l"));
        Assert.Equal(2, api.LeaseConflicts);

        api.ForbidLeases = true;
        var forbidden = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoordinationV1.ReadNamespacedLeaseAsync("l", "gatehouse"));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.Response.StatusCode);
    }
}
