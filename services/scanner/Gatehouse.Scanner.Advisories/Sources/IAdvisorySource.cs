using Gatehouse.Scanner.Advisories.Store;

namespace Gatehouse.Scanner.Advisories.Sources;

// One OSV document as a source delivered it; Container names the file, archive or URL it came
// from (recorded per advisory), Origin the document inside it (for problem reports). A document
// the source could not read (I/O error, oversized archive entry) carries Error and no content.
public sealed record AdvisoryDocument(string Container, string Origin, ReadOnlyMemory<byte> Content, string? Error = null);

// A kind of advisory source (folder, zip archive, HTTP mirror). Sources only deliver documents;
// parsing, incremental rules and persistence are the store's, written once.
public interface IAdvisorySource
{
    string Name { get; }

    string Version { get; }

    bool CanRead(string location);

    IAsyncEnumerable<AdvisoryDocument> ReadAsync(string location, ImportContext context, CancellationToken cancellationToken);
}

// What a source may use during one import: HTTP, the mirror's conditional-request state (updates
// are committed with the imported records, so a failed import is retried in full), and a sink
// for source-level problems.
public sealed class ImportContext
{
    private readonly Func<string, SyncState?> readState;
    private readonly Dictionary<string, SyncState> pendingStates = new(StringComparer.Ordinal);
    private readonly List<ImportProblem> problems = [];

    internal ImportContext(HttpClient http, IReadOnlyList<string> mirrorEcosystems, TimeProvider time, Func<string, SyncState?> readState)
    {
        Http = http;
        MirrorEcosystems = mirrorEcosystems;
        Time = time;
        this.readState = readState;
    }

    public HttpClient Http { get; }

    // Ecosystems to fetch from a mirror; empty means the mirror's ecosystems.txt.
    public IReadOnlyList<string> MirrorEcosystems { get; }

    public TimeProvider Time { get; }

    internal int NotModified { get; private set; }

    internal int Fetched { get; private set; }

    internal IReadOnlyCollection<SyncState> PendingStates => pendingStates.Values;

    internal IReadOnlyList<ImportProblem> Problems => problems;

    public SyncState? GetSyncState(string url) => pendingStates.TryGetValue(url, out SyncState? pending) ? pending : readState(url);

    // Called after every document of a fetched archive was delivered.
    public void ArchiveFetched(string url, string? etag, string? lastModified)
    {
        Fetched++;
        pendingStates[url] = new SyncState(url, etag, lastModified, Time.GetUtcNow().ToString("O"));
    }

    public void ArchiveNotModified(string url)
    {
        NotModified++;
        SyncState? previous = GetSyncState(url);
        pendingStates[url] = new SyncState(url, previous?.ETag, previous?.LastModified, Time.GetUtcNow().ToString("O"));
    }

    public void ReportProblem(string origin, string message) =>
        problems.Add(new ImportProblem(ImportProblemKind.Source, origin, null, message));
}
