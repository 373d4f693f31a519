using Gatehouse.Scanner.Advisories.Osv;
using Gatehouse.Scanner.Advisories.Store;
using static Gatehouse.Scanner.Advisories.Tests.TestRecords;

namespace Gatehouse.Scanner.Advisories.Tests;

public sealed class MirrorSyncTests : IDisposable
{
    private static readonly OsvRecord Requests = Record("GHSA-reqs-reqs-reqs", Affected("PyPI", "requests", Introduced("0"), Fixed("2.31.0")));
    private static readonly OsvRecord Flask = Record("GHSA-flas-flas-flas", Affected("PyPI", "Flask", Introduced("0"), Fixed("2.2.5")));
    private static readonly OsvRecord Lodash = Record("GHSA-loda-loda-loda", Affected("npm", "lodash", Introduced("0"), Fixed("4.17.21")));

    private readonly TempDirectory temp = new();
    private readonly MirrorServer mirror = new();
    private readonly HttpClient http = new();

    public void Dispose()
    {
        http.Dispose();
        mirror.Dispose();
        temp.Dispose();
    }

    [Fact]
    public async Task A_second_sync_of_an_unchanged_mirror_is_answered_304_and_does_nothing()
    {
        mirror.Publish("PyPI", ("GHSA-reqs.json", Json(Requests)), ("GHSA-flas.json", Json(Flask)));
        mirror.Publish("npm", ("GHSA-loda.json", Json(Lodash)));
        using AdvisoryStore store = AdvisoryStore.Open(temp.File("advisories.db"), new AdvisoryStoreOptions { Http = http });

        ImportReport first = await store.ImportAsync(mirror.BaseUrl);
        Assert.Equal(("osv-mirror", 2, 0, 3), (first.Source, first.Fetched, first.NotModified, first.Added));
        Assert.Equal(["pkg:npm/lodash", "pkg:pypi/flask", "pkg:pypi/requests"], first.ChangedPackages);

        while (mirror.Requests.TryDequeue(out _))
        {
        }

        ImportReport second = await store.ImportAsync(mirror.BaseUrl);
        Assert.Equal((0, 2, 0, 0), (second.Fetched, second.NotModified, second.Read, second.Added));
        Assert.Equal(first.DataVersion, second.DataVersion);
        Assert.Empty(second.ChangedPackages);
        Assert.Equal(2, mirror.Requests.Count(r => r.Path.EndsWith("all.zip", StringComparison.Ordinal) && r.Status == 304 && r.Conditional));
        Assert.DoesNotContain(mirror.Requests, r => r.Status == 200 && r.Path.EndsWith("all.zip", StringComparison.Ordinal));

        // The conditional-request state survives a restart.
        using AdvisoryStore reopened = AdvisoryStore.Open(store.Path, new AdvisoryStoreOptions { Http = http });
        Assert.Equal(2, (await reopened.ImportAsync(mirror.BaseUrl)).NotModified);
        Assert.Equal(2, reopened.GetStatus().SyncStates.Count(s => s.ETag is not null && s.LastModified is not null));
    }

    [Fact]
    public async Task A_changed_archive_applies_only_newer_records()
    {
        mirror.Publish("PyPI", ("GHSA-reqs.json", Json(Requests)), ("GHSA-flas.json", Json(Flask)));
        mirror.Publish("npm", ("GHSA-loda.json", Json(Lodash)));
        using AdvisoryStore store = AdvisoryStore.Open(temp.File("advisories.db"), new AdvisoryStoreOptions { Http = http });
        ImportReport first = await store.ImportAsync(mirror.BaseUrl);

        OsvRecord newer = Requests with { Modified = "2024-05-01T00:00:00Z", Affected = [Affected("PyPI", "requests", Introduced("0"), Fixed("2.32.0"))] };
        OsvRecord added = Record("PYSEC-2024-0001", Affected("PyPI", "urllib3", Introduced("0"), Fixed("2.2.2")));
        OsvRecord older = Flask with { Modified = "2020-01-01T00:00:00Z", Summary = "an older copy" };
        mirror.Publish("PyPI", ("GHSA-reqs.json", Json(newer)), ("GHSA-flas.json", Json(older)), ("PYSEC-2024-0001.json", Json(added)));

        ImportReport second = await store.ImportAsync(mirror.BaseUrl);

        Assert.Equal((1, 1), (second.Fetched, second.NotModified));
        Assert.Equal((1, 1, 1), (second.Updated, second.Added, second.Superseded));
        Assert.Equal(["pkg:pypi/requests", "pkg:pypi/urllib3"], second.ChangedPackages);
        Assert.NotEqual(first.DataVersion, second.DataVersion);
        Finding requests = Assert.Single(new Matching.AdvisoryMatcher(store.LoadSnapshot()).Match(Package("PyPI", "requests", "2.31.0")));
        Assert.Equal(["2.32.0"], requests.FixedVersions);
    }

    [Fact]
    public async Task A_failed_archive_is_reported_and_fetched_again_next_time()
    {
        mirror.Publish("PyPI", ("GHSA-reqs.json", Json(Requests)));
        mirror.Publish("npm", ("GHSA-loda.json", Json(Lodash)));
        mirror.FailNext("npm");
        using AdvisoryStore store = AdvisoryStore.Open(temp.File("advisories.db"), new AdvisoryStoreOptions { Http = http });

        ImportReport first = await store.ImportAsync(mirror.BaseUrl);
        ImportProblem failure = Assert.Single(first.Problems);
        Assert.Equal(ImportProblemKind.Source, failure.Kind);
        Assert.Contains("HTTP 503", failure.Message, StringComparison.Ordinal);
        Assert.Equal(1, first.RecordCount);

        ImportReport second = await store.ImportAsync(mirror.BaseUrl);
        Assert.Equal((1, 1, 1), (second.Fetched, second.NotModified, second.Added));
        Assert.Equal(["pkg:npm/lodash"], second.ChangedPackages);
    }

    [Fact]
    public async Task Configured_ecosystems_and_single_archive_urls_are_synced_without_the_index()
    {
        mirror.Publish("PyPI", ("GHSA-reqs.json", Json(Requests)));
        mirror.Publish("npm", ("GHSA-loda.json", Json(Lodash)));
        using AdvisoryStore store = AdvisoryStore.Open(temp.File("a.db"), new AdvisoryStoreOptions { Http = http, MirrorEcosystems = ["npm"] });

        ImportReport configured = await store.ImportAsync(mirror.BaseUrl);
        Assert.Equal(["pkg:npm/lodash"], configured.ChangedPackages);
        Assert.DoesNotContain(mirror.Requests, r => r.Path == "ecosystems.txt");

        using AdvisoryStore single = AdvisoryStore.Open(temp.File("b.db"), new AdvisoryStoreOptions { Http = http });
        ImportReport archive = await single.ImportAsync(mirror.BaseUrl + "PyPI/all.zip");
        Assert.Equal(["pkg:pypi/requests"], archive.ChangedPackages);
        Assert.Equal(1, (await single.ImportAsync(mirror.BaseUrl + "PyPI/all.zip")).NotModified);
    }
}
