using Gatehouse.Contracts.Messages;
using Gatehouse.Policy.BreakGlass;
using Gatehouse.Policy.Dashboard;
using Gatehouse.ServiceDefaults.Store;
using Microsoft.Extensions.Options;
using Gatehouse.Testing;

namespace Gatehouse.Policy.Tests.Dashboard;

/// <summary>The dashboard's parts on their own: the capped break-glass history, trace links and their option, the image filter.</summary>
public sealed class DashboardPartsTests
{
    private static readonly DateTimeOffset Start = new(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);

    private static BreakGlassUsed Use(int i) =>
        new("ns", $"Pod/p{i}", "sha256:" + new string('a', 64), "user", "", Start.AddHours(1 + i), "prod", "r", "img", "denied", Start.AddMinutes(i));

    [Fact]
    public async Task The_break_glass_history_keeps_the_newest_uses_and_ignores_redelivery()
    {
        var store = new InMemoryKeyValueStore();
        var history = new BreakGlassHistory(store);
        for (var i = 0; i < BreakGlassHistory.Capacity + 5; i++) Assert.True(await history.AddAsync(Use(i)));
        Assert.False(await history.AddAsync(Use(BreakGlassHistory.Capacity + 4)));

        var (total, uses) = await history.ReadAsync();
        Assert.Equal(BreakGlassHistory.Capacity, total);
        Assert.Equal($"Pod/p{BreakGlassHistory.Capacity + 4}", uses[0].Object);
        Assert.Equal("Pod/p5", uses[^1].Object);

        // A late redelivery of a use older than every one held is let in and cut again at once.
        await history.AddAsync(Use(0));
        Assert.DoesNotContain((await history.ReadAsync()).Uses, u => u.Object == "Pod/p0");
        Assert.Equal(BreakGlassHistory.Capacity, (await store.SetMembersAsync(BreakGlassHistory.Key)).Count);
    }

    [Fact]
    public async Task Times_are_held_in_utc_and_long_texts_are_cut_so_the_same_use_is_one_member()
    {
        var store = new InMemoryKeyValueStore();
        var history = new BreakGlassHistory(store);
        var use = Use(1) with { Denial = new string('d', 10_000) };
        await history.AddAsync(use with { UsedAt = use.UsedAt.ToOffset(TimeSpan.FromHours(2)) });
        Assert.False(await history.AddAsync(use));
        var held = Assert.Single((await history.ReadAsync()).Uses);
        Assert.Equal(TimeSpan.Zero, held.UsedAt.Offset);
        Assert.Equal(2_048, held.Denial.Length);
    }

    [Theory]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "https://jaeger.example/trace/4bf92f3577b34da6a3ce929d0e0e4736")]
    [InlineData("not a traceparent", null)]
    [InlineData(null, null)]
    public void A_trace_link_is_made_from_the_template_and_a_w3c_traceparent(string? traceParent, string? expected)
    {
        var options = new DashboardOptions { TraceUrlTemplate = "https://jaeger.example/trace/{traceId}" };
        Assert.Equal(expected, options.TraceUrl(traceParent));
        Assert.Null(new DashboardOptions().TraceUrl(traceParent));
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("https://jaeger.example/trace/{traceId}", true)]
    [InlineData("https://jaeger.example/trace/", false)]
    [InlineData("javascript:alert(1)//{traceId}", false)]
    [InlineData("/relative/{traceId}", false)]
    public void The_trace_template_must_be_an_http_url_with_the_placeholder(string template, bool valid)
    {
        var result = new DashboardOptionsValidator().Validate(null, new DashboardOptions { TraceUrlTemplate = template });
        Assert.Equal(valid, result.Succeeded);
    }

    [Fact]
    public void Start_fails_on_a_bad_trace_template()
    {
        var error = StartupFailure.Expect<OptionsValidationException, PolicyServiceFactory>(() =>
        {
            var factory = new PolicyServiceFactory();
            factory.Settings["Gatehouse:Dashboard:TraceUrlTemplate"] = "https://jaeger.example/trace/";
            return factory;
        }, factory => factory.CreateClient().Dispose());
        Assert.Contains("Gatehouse:Dashboard:TraceUrlTemplate must contain {traceId}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_image_filter_matches_name_tags_and_digest_case_insensitively()
    {
        Assert.True(ImageFilter.TryParse(" Acme/WEB ", null, null, null, null, [], out var filter, out var error), error);
        Assert.Equal((0, ImageFilter.DefaultLimit), (filter!.Offset, filter.Limit));
        Assert.True(filter.Matches(new ImageCatalog.Names("sha256:" + new string('1', 64), "ghcr.io/acme/web", [])));
        Assert.False(filter.Matches(new ImageCatalog.Names("sha256:" + new string('1', 64), "ghcr.io/acme/api", ["ghcr.io/acme/api:1"])));
        Assert.False(ImageFilter.TryParse("a\u0001b", null, null, null, null, [], out _, out error));
        Assert.Equal("the filter text contains control characters", error);
        Assert.False(ImageFilter.TryParse(new string('x', 201), null, null, null, null, [], out _, out error));
        Assert.Equal("the filter text is longer than 200 characters", error);
    }
}
