using Gatehouse.Contracts.Messages;
using Gatehouse.Scanner.Vulnerabilities;
using Gatehouse.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Scanner.Tests.Vulnerabilities;

/// <summary>A replica with advisory sources imports them and announces the changed packages.</summary>
public sealed class AdvisorySyncServiceTests
{
    [Fact]
    public async Task Configured_sources_are_imported_and_announced_once_with_their_changed_packages()
    {
        var sources = Directory.CreateTempSubdirectory("gatehouse-sync-");
        try
        {
            var folder = OsvJson.WriteFolder(sources.FullName, SampleImage.Records);
            await using var harness = await ScannerHarness.StartAsync(new Dictionary<string, string?>
            {
                ["Gatehouse:Scanner:Advisories:Sources:0"] = folder,
                ["Gatehouse:Scanner:Advisories:SyncInterval"] = "00:00:01",
            });

            var update = (await Eventually.GetAsync(() => Task.FromResult(harness.Bus.Published.Select<AdvisoriesUpdated>().FirstOrDefault()?.Context.Message),
                TimeSpan.FromSeconds(60), "the first sync's announcement"))!;

            Assert.Equal(7, update.RecordCount);
            Assert.Equal(["pkg:deb/debian/glibc", "pkg:deb/debian/openssl", "pkg:deb/debian/zlib", "pkg:npm/left-pad", "pkg:npm/lodash"],
                update.AffectedPackages);
            var database = harness.Services.GetRequiredService<AdvisoryDatabase>();
            Assert.Equal(update.DataVersion, (await database.GetAsync()).DataVersion);

            // Syncing the same folder again changes nothing and announces nothing: let two more syncs complete
            // (a sync's announcement is published in the same round as its import, before the next import).
            for (var round = 0; round < 2; round++)
            {
                var last = database.Store.GetStatus().LastImportAt;
                await Eventually.TrueAsync(() => database.Store.GetStatus().LastImportAt != last, TimeSpan.FromSeconds(60), "another sync");
            }
            Assert.Single(harness.Bus.Published.Select<AdvisoriesUpdated>());
        }
        finally
        {
            sources.Delete(recursive: true);
        }
    }
}
