using System.IO.Compression;
using System.Text;
using Gatehouse.Contracts.Messages;
using Gatehouse.Scanner.Advisories.Matching;
using Gatehouse.Scanner.Advisories.Osv;
using Gatehouse.Scanner.Advisories.Store;
using static Gatehouse.Scanner.Advisories.Tests.TestRecords;

namespace Gatehouse.Scanner.Advisories.Tests;

public sealed class AdvisoryStoreTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Importing_the_shared_records_counts_every_outcome()
    {
        using AdvisoryStore store = AdvisoryStore.Open(temp.File("advisories.db"));

        ImportReport report = await store.ImportAsync(RecordsDirectory);

        Assert.Equal("osv-directory", report.Source);
        Assert.Equal(26, report.Read);
        Assert.Equal(0, report.Invalid);
        Assert.Equal(1, report.SchemaDeviations); // GHSA-f5pg-7wfw-84q9, read anyway
        Assert.Equal(24, report.Added);
        Assert.Equal(2, report.Withdrawn); // GHSA-35c4-f3rq-f9g3, and PYSEC-2021-63's withdrawn twin
        Assert.Equal(23, report.RecordCount); // 25 distinct ids, two withdrawn
        Assert.Contains(report.Problems, p => p.Kind == ImportProblemKind.SchemaDeviation && p.RecordId == "GHSA-f5pg-7wfw-84q9");
        Assert.Contains("pkg:deb/debian/nginx", report.ChangedPackages);
        Assert.Contains("pkg:apk/alpine/openssl", report.ChangedPackages);
        Assert.Contains("pkg:golang/github.com/gin-gonic/gin", report.ChangedPackages);
        Assert.True(report.Changed);

        AdvisorySnapshot snapshot = store.LoadSnapshot();
        Assert.Equal(23, snapshot.RecordCount);
        Assert.Equal(report.DataVersion, snapshot.DataVersion);
        Assert.Empty(new AdvisoryMatcher(snapshot).Match(Package("PyPI", "cryptography", "3.1"))); // withdrawn wins over its twin
    }

    [Fact]
    public async Task A_reopened_store_has_the_same_records_and_data_version_without_reimporting()
    {
        string path = temp.File("advisories.db");
        string dataVersion;
        using (AdvisoryStore store = AdvisoryStore.Open(path))
        {
            dataVersion = (await store.ImportAsync(RecordsDirectory)).DataVersion;
        }

        using AdvisoryStore reopened = AdvisoryStore.OpenReadOnly(path);
        Assert.Equal(dataVersion, reopened.DataVersion);
        AdvisorySnapshot snapshot = reopened.LoadSnapshot();
        Finding nginx = Assert.Single(new AdvisoryMatcher(snapshot).Match(Package("Debian:7", "nginx", "1.2.1-2.2+wheezy2")));
        Assert.Equal(dataVersion, nginx.AdvisoryDataVersion);
        Assert.Equal(["1.2.1-2.2+wheezy3"], nginx.FixedVersions);

        // The stored document is the record exactly as imported.
        byte[] original = File.ReadAllBytes(Path.Combine(RecordsDirectory, "GHSA-f5pg-7wfw-84q9.json"));
        Assert.Equal(original, reopened.GetDocument("GHSA-f5pg-7wfw-84q9"));
        Assert.Null(reopened.GetDocument("GHSA-none-none-none"));
    }

    [Fact]
    public async Task The_data_version_changes_exactly_when_content_changes()
    {
        using AdvisoryStore store = AdvisoryStore.Open(temp.File("advisories.db"));
        string folder = Directory.CreateDirectory(temp.File("feed")).FullName;
        OsvRecord v1 = Record("GHSA-data-vers-ion1", Affected("npm", "dv", Introduced("0"), Fixed("1.0.0")));
        OsvRecord other = Record("GHSA-othe-rrec-ord1", Affected("PyPI", "Other_Pkg", Introduced("0")));
        File.WriteAllBytes(Path.Combine(folder, "a.json"), Json(v1));
        File.WriteAllBytes(Path.Combine(folder, "b.json"), Json(other));

        ImportReport first = await store.ImportAsync(folder);
        ImportReport again = await store.ImportAsync(folder);
        Assert.Equal(2, again.Unchanged);
        Assert.Equal(first.DataVersion, again.DataVersion);
        Assert.Empty(again.ChangedPackages);
        Assert.Null(again.ToAdvisoriesUpdated(DateTimeOffset.UnixEpoch));

        // An older copy is ignored (incremental by "modified").
        File.WriteAllBytes(Path.Combine(folder, "a.json"), Json(v1 with { Modified = "2023-01-01T00:00:00Z", Summary = "stale" }));
        ImportReport stale = await store.ImportAsync(folder);
        Assert.Equal(1, stale.Superseded);
        Assert.Equal(first.DataVersion, stale.DataVersion);

        // A newer copy changes the data version and announces only its package.
        File.WriteAllBytes(Path.Combine(folder, "a.json"), Json(v1 with { Modified = "2024-06-01T00:00:00Z", Summary = "fix moved" }));
        ImportReport updated = await store.ImportAsync(folder);
        Assert.Equal(1, updated.Updated);
        Assert.NotEqual(first.DataVersion, updated.DataVersion);
        Assert.Equal(["pkg:npm/dv"], updated.ChangedPackages);

        AdvisoriesUpdated message = updated.ToAdvisoriesUpdated(DateTimeOffset.UnixEpoch)!;
        Assert.Equal(updated.DataVersion, message.DataVersion);
        Assert.Equal(["pkg:npm/dv"], message.AffectedPackages);
        Assert.Equal(2, message.RecordCount);

        // Withdrawing a stored record removes it from matching and announces its package.
        File.WriteAllBytes(Path.Combine(folder, "b.json"), Json(other with { Modified = "2024-07-01T00:00:00Z", Withdrawn = "2024-07-01T00:00:00Z" }));
        ImportReport withdrawn = await store.ImportAsync(folder);
        Assert.Equal(1, withdrawn.Withdrawn);
        Assert.Equal(["pkg:pypi/other-pkg"], withdrawn.ChangedPackages);
        Assert.Equal(1, withdrawn.RecordCount);
        Assert.Empty(new AdvisoryMatcher(store.LoadSnapshot()).Match(Package("PyPI", "other-pkg", "1.0")));
    }

    [Fact]
    public async Task A_zip_archive_imports_entry_by_entry_and_bad_entries_are_counted_not_fatal()
    {
        string zip = temp.File("all.zip");
        using (ZipArchive archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            foreach (string file in Directory.EnumerateFiles(RecordsDirectory, "*.json").Order(StringComparer.Ordinal))
            {
                archive.CreateEntryFromFile(file, Path.GetFileName(file));
            }

            using (var writer = new StreamWriter(archive.CreateEntry("broken.json").Open(), Encoding.UTF8))
            {
                writer.Write("{\"id\": \"GHSA-brok-en00-0000\", \"affected\": [");
            }

            archive.CreateEntry("README.txt");
        }

        using AdvisoryStore fromZip = AdvisoryStore.Open(temp.File("zip.db"));
        ImportReport report = await fromZip.ImportAsync(zip);

        Assert.Equal("osv-zip", report.Source);
        Assert.Equal(27, report.Read);
        Assert.Equal(1, report.Invalid);
        ImportProblem broken = Assert.Single(report.Problems, p => p.Kind == ImportProblemKind.Unreadable);
        Assert.Equal("broken.json", broken.Origin);
        Assert.Equal(23, report.RecordCount);

        // The data version is content only: the same records from a folder give the same version.
        using AdvisoryStore fromFolder = AdvisoryStore.Open(temp.File("folder.db"));
        Assert.Equal((await fromFolder.ImportAsync(RecordsDirectory)).DataVersion, report.DataVersion);
    }

    [Fact]
    public async Task A_corrupt_archive_is_a_reported_source_problem()
    {
        string zip = temp.File("corrupt.zip");
        File.WriteAllText(zip, "this is not a zip archive");
        using AdvisoryStore store = AdvisoryStore.Open(temp.File("advisories.db"));

        ImportReport report = await store.ImportAsync(zip);

        Assert.Equal(0, report.Read);
        Assert.Contains(report.Problems, p => p.Kind == ImportProblemKind.Source && p.Message.Contains("not a readable zip archive", StringComparison.Ordinal));
        Assert.False(report.Changed);
    }

    [Fact]
    public async Task Changed_ecosystem_rules_reindex_the_stored_packages_on_open()
    {
        string path = temp.File("advisories.db");
        string folder = Directory.CreateDirectory(temp.File("feed")).FullName;
        OsvRecord record = Load("GHSA-266m-wp2v-x7mq.json");
        File.WriteAllBytes(Path.Combine(folder, "a.json"), Json(record));
        using (AdvisoryStore withoutNuGet = AdvisoryStore.Open(path, new AdvisoryStoreOptions { Ecosystems = new Ecosystems.EcosystemRegistry([new Ecosystems.PyPiEcosystem()]) }))
        {
            Assert.Equal(["pkg:generic/Microsoft.NetCore.App.Runtime.linux-arm"], (await withoutNuGet.ImportAsync(folder)).ChangedPackages);
        }

        // Reopened with the built-in rules: the stored package index is rebuilt, so withdrawing
        // the record announces the package under its NuGet identity.
        using AdvisoryStore builtIn = AdvisoryStore.Open(path);
        File.WriteAllBytes(Path.Combine(folder, "a.json"), Json(record with { Modified = "2026-01-01T00:00:00Z", Withdrawn = "2026-01-01T00:00:00Z" }));
        Assert.Equal(["pkg:nuget/microsoft.netcore.app.runtime.linux-arm"], (await builtIn.ImportAsync(folder)).ChangedPackages);
    }

    [Fact]
    public async Task Replicas_open_the_store_read_only_even_on_a_read_only_file()
    {
        string path = temp.File("advisories.db");
        using (AdvisoryStore writer = AdvisoryStore.Open(path))
        {
            await writer.ImportAsync(RecordsDirectory);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead);
        }

        using AdvisoryStore replica = AdvisoryStore.OpenReadOnly(path);

        Assert.Equal(23, replica.LoadSnapshot().RecordCount);
        StoreStatus status = replica.GetStatus();
        Assert.Equal(23, status.RecordCount);
        Assert.Equal(2, status.WithdrawnCount);
        Assert.Equal(11, status.RecordsByEcosystem.Count(e => e.Key.StartsWith("Alpine:v3.", StringComparison.Ordinal))); // v3.3-v3.8, v3.12-v3.16
        Assert.Equal((3, 5, 4), (status.RecordsByEcosystem["npm"], status.RecordsByEcosystem["PyPI"], status.RecordsByEcosystem["Go"]));
        await Assert.ThrowsAsync<InvalidOperationException>(() => replica.ImportAsync(RecordsDirectory));
        Assert.Throws<FileNotFoundException>(() => AdvisoryStore.OpenReadOnly(temp.File("missing.db")));
        Assert.Throws<ArgumentException>(() => { _ = replica.ImportAsync("ftp://nowhere/x"); });
    }
}
