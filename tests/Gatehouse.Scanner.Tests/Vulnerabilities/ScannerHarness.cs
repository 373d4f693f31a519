using Gatehouse.Contracts.Messages;
using Gatehouse.Oci.Layout;
using Gatehouse.Scanner.Advisories.Store;
using Gatehouse.ServiceDefaults.Store;
using Gatehouse.Testing;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Gatehouse.Scanner.Tests.Vulnerabilities;

/// <summary>
/// The scanner's real registrations (AddScanner, AddScannerConsumers) on MassTransit's test harness, with an
/// in-process store, an advisory store file in a temporary folder, and a registry host served from an OCI layout
/// holding one image (so referrer VEX can be attached to it).
/// </summary>
internal sealed class ScannerHarness : IAsyncDisposable
{
    public const string Registry = "registry.test";

    private IHost _host = null!;

    private ScannerHarness(string root) => Root = root;

    public string Root { get; }

    public string AdvisoriesPath => Path.Combine(Root, "advisories.db");

    public string LayoutPath => Path.Combine(Root, "layout");

    public InMemoryKeyValueStore Store { get; } = new();

    public ITestHarness Bus { get; private set; } = null!;

    public IServiceProvider Services => _host.Services;

    /// <summary>The image in the layout: referrers attach to it.</summary>
    public string ImageDigest { get; private set; } = "";

    public static async Task<ScannerHarness> StartAsync(IReadOnlyDictionary<string, string?>? configuration = null, params string[] initialRecords)
    {
        var harness = new ScannerHarness(Directory.CreateTempSubdirectory("gatehouse-vuln-").FullName);
        var image = await new OciImageLayoutBuilder().AddLayer(new Dictionary<string, byte[]> { ["etc/hostname"] = "test"u8.ToArray() })
            .WriteToLayoutAsync(harness.LayoutPath, "v1");
        harness.ImageDigest = image.Digest;
        if (initialRecords.Length > 0)
        {
            await harness.ImportAsync(initialRecords);
        }

        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gatehouse:Registries:test:Host"] = Registry,
            ["Gatehouse:Registries:test:Layout"] = harness.LayoutPath,
            ["Gatehouse:Scanner:Advisories:Path"] = harness.AdvisoriesPath,
        });
        if (configuration is not null)
        {
            builder.Configuration.AddInMemoryCollection(configuration);
        }
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddScanner();
        builder.Services.AddSingleton<IKeyValueStore>(harness.Store);
        builder.Services.AddMassTransitTestHarness(bus =>
        {
            bus.AddScannerConsumers();
            // The machine may be loaded: wait on activity, not on a short idle window.
            bus.SetTestTimeouts(testTimeout: TimeSpan.FromSeconds(60), testInactivityTimeout: TimeSpan.FromSeconds(10));
        });
        harness._host = builder.Build();
        await harness._host.StartAsync();
        harness.Bus = harness._host.Services.GetRequiredService<ITestHarness>();
        return harness;
    }

    /// <summary>Imports OSV records into the advisory store file (as another process would); returns the import report.</summary>
    public async Task<ImportReport> ImportAsync(params string[] records)
    {
        using var store = AdvisoryStore.Open(AdvisoriesPath);
        return await store.ImportAsync(OsvJson.WriteFolder(Root, records));
    }

    /// <summary>Publishes and waits until the consumer of <typeparamref name="T"/> has taken one more message.</summary>
    public async Task PublishAndWaitAsync<T>(T message) where T : class
    {
        var before = Bus.Consumed.Select<T>().Count();
        await Bus.Bus.Publish(message);
        await Eventually.TrueAsync(() => Bus.Consumed.Select<T>().Count() > before, TimeSpan.FromSeconds(60), $"a {typeof(T).Name} to be consumed");
        // Consumed is recorded when the consumer finished; its publishes are recorded by then.
    }

    public IReadOnlyList<VulnerabilitiesFound> Found(string digest) =>
        [.. Bus.Published.Select<VulnerabilitiesFound>().Select(m => m.Context.Message).Where(m => m.Digest == digest)];

    public IReadOnlyList<ImageAnalysisFailed> Failures(string digest) =>
        [.. Bus.Published.Select<ImageAnalysisFailed>().Select(m => m.Context.Message).Where(m => m.Digest == digest)];

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Root, recursive: true);
    }
}
