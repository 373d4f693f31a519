using System.Text;
using Gatehouse.Contracts;
using Gatehouse.Contracts.Messages;
using Gatehouse.Oci;
using Gatehouse.Oci.Layout;
using Gatehouse.Scanner.Consumers;
using Gatehouse.Scanner.Sbom;
using Gatehouse.ServiceDefaults.Store;
using Gatehouse.Testing;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Gatehouse.Scanner.Tests.Consumers;

/// <summary>The SBOM consumer on MassTransit's test harness, over a registry host served from an OCI layout.</summary>
public sealed class SbomGenerationConsumerTests : IAsyncLifetime, IDisposable
{
    private const string Registry = "registry.test";
    private readonly string _layout = Path.Combine(Path.GetTempPath(), "gh-sbom-consumer-" + Guid.NewGuid().ToString("N"));
    private readonly InMemoryKeyValueStore _store = new();
    private IHost _host = null!;
    private ITestHarness _harness = null!;

    public async Task InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gatehouse:Registries:test:Host"] = Registry,
            ["Gatehouse:Registries:test:Layout"] = _layout,
            ["Gatehouse:Scanner:ClaimWait"] = "00:02:00",
        });
        builder.AddScanner();
        builder.Services.AddSingleton<IKeyValueStore>(_store);
        builder.Services.AddMassTransitTestHarness(bus =>
        {
            bus.AddConsumer<SbomGenerationConsumer>();
            bus.SetTestTimeouts(testTimeout: TimeSpan.FromSeconds(60), testInactivityTimeout: TimeSpan.FromSeconds(10));
        });
        _host = builder.Build();
        await _host.StartAsync();
        _harness = _host.Services.GetRequiredService<ITestHarness>();
    }

    private async Task<string> PushImageAsync()
    {
        var store = _host.Services.GetRequiredService<IImageStoreFactory>().ForRegistry(Registry);
        var image = await new OciImageLayoutBuilder()
            .AddLayer(new Dictionary<string, byte[]>
            {
                ["etc/os-release"] = "ID=debian\nVERSION_ID=\"12\"\n"u8.ToArray(),
                ["var/lib/dpkg/status"] = Encoding.UTF8.GetBytes(
                    "Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:1.2.13.dfsg-1\n\n"),
            })
            .PushAsync(store, "", "v1");
        return image.Digest;
    }

    private static ImagePushed Pushed(string repository, string digest) =>
        new(Registry, repository, "v1", digest, OciMediaTypes.ImageManifest, DateTimeOffset.UtcNow, "test", Guid.NewGuid().ToString());

    [Fact]
    public async Task Concurrent_pushes_of_one_digest_extract_it_once_and_announce_the_same_sbom()
    {
        var digest = await PushImageAsync();

        await Task.WhenAll(_harness.Bus.Publish(Pushed("team-a/app", digest)), _harness.Bus.Publish(Pushed("team-b/app", digest)));
        await Eventually.TrueAsync(() => _harness.Published.Select<SbomGenerated>().Count() == 2, TimeSpan.FromSeconds(60), "two announcements");

        var announced = _harness.Published.Select<SbomGenerated>().Select(m => m.Context.Message).ToList();
        Assert.Single(announced.Select(a => (a.SbomRef, a.SbomSha256, a.GeneratedAt)).Distinct());
        var record = await new SbomIndex(_store).GetRecordAsync(digest);
        Assert.Equal(announced[0].SbomSha256, record!.Sha256);
        Assert.Equal(announced[0].ComponentCount, record.ComponentCount);
        Assert.Contains((await new SbomIndex(_store).GetSbomAsync(digest))!.Components!, c => c.Name == "zlib1g");
        Assert.Null(await _store.GetAsync(StoreKeys.SbomClaim(digest))); // released once extraction ended
    }

    [Fact]
    public async Task A_digest_claimed_elsewhere_is_announced_from_the_winners_record_without_extracting()
    {
        var digest = await PushImageAsync();
        var index = new SbomIndex(_store);
        Assert.True(await index.TryClaimAsync(digest, TimeSpan.FromMinutes(5)));

        await _harness.Bus.Publish(Pushed("team-c/app", digest));
        await Task.Delay(TimeSpan.FromMilliseconds(500)); // the consumer is now waiting on the claim holder
        var winner = new SbomRecord(digest, Registry, "team-z/app", $"{Registry}/team-z/app@sha256:{new string('a', 64)}",
            new string('b', 64), 7, "test", [], DateTimeOffset.UnixEpoch);
        await index.IndexAsync(winner, new Scanner.CycloneDx.Bom(), "{}"u8.ToArray());

        await Eventually.TrueAsync(() => _harness.Published.Select<SbomGenerated>().Any(), TimeSpan.FromSeconds(60), "the announcement");
        // Had the consumer extracted for itself, it would have announced its own SBOM, not the claim holder's.
        var announced = _harness.Published.Select<SbomGenerated>().Single().Context.Message;
        Assert.Equal((winner.SbomRef, 7), (announced.SbomRef, announced.ComponentCount));
        Assert.Equal(winner.SbomRef, (await index.GetRecordAsync(digest))!.SbomRef);
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_layout, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
