using System.Text.Json;
using Gatehouse.Cli.Commands;
using Gatehouse.Cli.Hosting;
using Gatehouse.Policy.Inventory;
using Gatehouse.Policy.Where;
using Gatehouse.Scanner.CycloneDx;
using Gatehouse.Scanner.Sbom;
using Gatehouse.ServiceDefaults.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Integration.Tests;

/// <summary>
/// <c>gatehouse where --api</c>, the way in from a workstation: the same answer through the policy service's API
/// (bearer token, page after page) as from the store itself; a refused token or a bad query is a one-line error.
/// </summary>
public sealed class WhereApiTests : IAsyncLifetime
{
    private const string Token = "where-api-test-token-0123456789";
    private WebApplication _app = null!;

    public async Task InitializeAsync()
    {
        _app = GatehouseHost.Build(new HostSettings
        {
            Urls = "http://127.0.0.1:0",
            Configuration = new Dictionary<string, string?>
            {
                ["Gatehouse:RegistryWatcher:BearerToken"] = "where-api-webhook-token",
                ["Gatehouse:Api:Tokens:0"] = Token,
            },
        });
        await _app.StartAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_api_answer_read_page_by_page_is_the_answer_of_the_store()
    {
        // Three images with openssl (one also with a generic build of it), two of them running.
        var store = _app.Services.GetRequiredService<IKeyValueStore>();
        string Digest(char c) => "sha256:" + new string(c, 64);
        await IndexAsync(store, Digest('a'), ("openssl", "pkg:deb/debian/openssl@3.0.11-1~deb12u2"), ("openssl", "pkg:generic/openssl@1.1.1w"));
        await IndexAsync(store, Digest('b'), ("openssl", "pkg:deb/debian/openssl@3.0.15-1~deb12u1"));
        await IndexAsync(store, Digest('c'), ("openssl", "pkg:deb/debian/openssl@3.0.13-1~deb12u1"));
        using (var inventory = new RuntimeInventory(store))
        {
            foreach (var (pod, digest) in new[] { ("web-1", Digest('a')), ("web-2", Digest('a')), ("ledger-0", Digest('b')) })
            {
                await inventory.PutPodAsync("shop/" + pod, [new WorkloadEntry("shop", "Deployment", pod[..^2], pod, "app", "node-1", "reg/app:1", digest,
                    DateTimeOffset.UnixEpoch.AddYears(56), WorkloadEntry.FromWatch)]);
            }
        }
        using var fromStore = new StringWriter();
        Assert.True(WhereQueryText.TryParse("openssl", out var query, out _));
        Assert.Equal(0, await WhereCommand.PrintAsync(store, query!, "json", fromStore));

        using var stderr = new StringWriter();
        var paged = await WhereApiClient.RunAsync(_app.BoundAddress(), Token, "openssl", stderr, CancellationToken.None, pageSize: 1);
        Assert.True(paged is not null, stderr.ToString());
        Assert.Equal(fromStore.ToString().Trim(), JsonSerializer.Serialize(paged, WhereJsonContext.Default.WhereResult));
        Assert.Equal((4, 3, 2, 3), (paged.Total, paged.ImageCount, paged.RunningImages, paged.Workloads));

        var (exit, output, error) = await RunAsync("where", "openssl", "--api", _app.BoundAddress().ToString(), "--token", Token);
        Assert.Equal(0, exit);
        Assert.StartsWith("openssl (package): 3 image(s) (4 package match(es)), 2 running, 3 workload(s)", output, StringComparison.Ordinal);
        Assert.Empty(error);
    }

    [Theory]
    [InlineData("openssl", "wrong-token-0123456789", "the policy API answered 401 Unauthorized: the bearer token is not accepted", "(give --token or set GATEHOUSE_API_TOKEN)")]
    [InlineData("openssl@>=", Token, "the policy API answered 400 Bad Request: '>=' has an empty version", "")]
    public async Task A_refused_request_is_one_line_with_the_reason(string query, string token, string reason, string hint)
    {
        // The query is sent as typed: the API, not the CLI, rejects it here (the CLI checks it first only on the store path).
        using var stderr = new StringWriter();
        Assert.Null(await WhereApiClient.RunAsync(_app.BoundAddress(), token, query, stderr, CancellationToken.None));
        Assert.Equal($"gatehouse where: {reason} {hint}".TrimEnd(), stderr.ToString().Trim());
    }

    [Fact]
    public async Task An_address_that_does_not_answer_or_is_not_http_is_a_usage_error()
    {
        var (exit, _, error) = await RunAsync("where", "openssl", "--api", "http://127.0.0.1:9/", "--token", Token);
        Assert.Equal(2, exit);
        Assert.StartsWith("gatehouse where: cannot reach the policy API at http://127.0.0.1:9/", error, StringComparison.Ordinal);
        (exit, _, error) = await RunAsync("where", "openssl", "--api", "ftp://example.com", "--token", Token);
        Assert.Equal(2, exit);
        Assert.StartsWith("gatehouse where: --api takes the policy service's http(s) address", error, StringComparison.Ordinal);
    }

    private static async Task IndexAsync(IKeyValueStore store, string digest, params (string Name, string Purl)[] packages)
    {
        var bom = new Bom { Components = [.. packages.Select(p => new BomComponent { Name = p.Name, Purl = p.Purl })] };
        var record = new SbomRecord(digest, "reg", "app", "reg/app@" + digest, new string('0', 64), packages.Length, "test", [], DateTimeOffset.UnixEpoch);
        await new SbomIndex(store).IndexAsync(record, bom, "{}"u8.ToArray());
    }

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await Verbs.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
