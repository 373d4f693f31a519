using Gatehouse.Scanner.Advisories.Matching;
using Gatehouse.Scanner.Advisories.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gatehouse.Scanner.Vulnerabilities;

/// <summary>Hands out the advisory snapshot evaluations match against.</summary>
public interface IAdvisorySnapshots
{
    /// <summary>The current snapshot. When <paramref name="expectedVersion"/> is given and differs from it (an
    /// <c>AdvisoriesUpdated</c> announced a newer one), the store is checked and a newer snapshot loaded first.</summary>
    ValueTask<AdvisorySnapshot> GetAsync(string? expectedVersion = null, CancellationToken cancellationToken = default);
}

/// <summary>A fixed snapshot (the CLI's one-off scans, tests, benchmarks).</summary>
public sealed class FixedAdvisorySnapshots(AdvisorySnapshot snapshot) : IAdvisorySnapshots
{
    public AdvisorySnapshot Snapshot { get; set; } = snapshot;

    public ValueTask<AdvisorySnapshot> GetAsync(string? expectedVersion = null, CancellationToken cancellationToken = default) => new(Snapshot);
}

/// <summary>
/// The scanner's advisory store and its in-memory snapshot. The store is opened read-only (many replicas may share
/// one file) unless this replica imports (<see cref="AdvisoryDataOptions.Sources"/>) or the file does not exist yet,
/// in which case an empty store is created. A snapshot is loaded once per data version and swapped atomically;
/// <see cref="RefreshAsync"/> (called on a timer and when a newer version is announced) loads the next one in the
/// background while evaluations keep using the current one.
/// </summary>
public sealed partial class AdvisoryDatabase : IAdvisorySnapshots, IDisposable
{
    private readonly Lazy<AdvisoryStore> _store;
    private readonly SemaphoreSlim _loadGate = new(1, 1);
    private readonly ILogger _logger;
    private volatile AdvisorySnapshot? _current;

    public AdvisoryDatabase(IOptions<AdvisoryDataOptions> options, ILogger<AdvisoryDatabase>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        Path = settings.ResolvedPath;
        _logger = logger ?? NullLogger<AdvisoryDatabase>.Instance;
        var storeOptions = new AdvisoryStoreOptions { MirrorEcosystems = [.. settings.MirrorEcosystems] };
        _store = new Lazy<AdvisoryStore>(() => OpenStore(Path, writable: settings.Sources.Count > 0, storeOptions), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string Path { get; }

    public AdvisoryStore Store => _store.Value;

    /// <summary>The loaded snapshot's data version, or null before the first load.</summary>
    public string? LoadedVersion => _current?.DataVersion;

    public async ValueTask<AdvisorySnapshot> GetAsync(string? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        var snapshot = _current;
        if (snapshot is not null && (expectedVersion is null || expectedVersion == snapshot.DataVersion))
        {
            return snapshot;
        }

        snapshot = await RefreshAsync(cancellationToken);
        if (expectedVersion is not null && snapshot.DataVersion != expectedVersion)
        {
            // Another store announced it, or it has moved on since: match against what this store holds.
            LogVersionMismatch(_logger, expectedVersion, snapshot.DataVersion);
        }
        return snapshot;
    }

    /// <summary>Loads a new snapshot when the store's data version differs from the loaded one; returns the current.</summary>
    public async Task<AdvisorySnapshot> RefreshAsync(CancellationToken cancellationToken = default)
    {
        await _loadGate.WaitAsync(cancellationToken);
        try
        {
            // SQLite calls block: keep them off the caller's thread (a consumer's, a timer's).
            var version = await Task.Run(() => Store.DataVersion, cancellationToken);
            if (_current is { } loaded && loaded.DataVersion == version)
            {
                return loaded;
            }

            var started = TimeProvider.System.GetTimestamp();
            // Compiled before the swap, so no evaluation pays for parsing advisory versions.
            var snapshot = await Task.Run(() =>
            {
                var loaded = Store.LoadSnapshot();
                loaded.Prepare();
                return loaded;
            }, cancellationToken);
            _current = snapshot;
            var milliseconds = TimeProvider.System.GetElapsedTime(started).TotalMilliseconds;
            LogLoaded(_logger, snapshot.DataVersion, snapshot.RecordCount, snapshot.PackageCount, milliseconds);
            return snapshot;
        }
        finally
        {
            _loadGate.Release();
        }
    }

    /// <summary>Imports a folder, archive or mirror into the store (this replica must be the importing one).</summary>
    public async Task<ImportReport> ImportAsync(string location, CancellationToken cancellationToken = default)
    {
        var report = await Store.ImportAsync(location, cancellationToken);
        if (report.Changed)
        {
            await RefreshAsync(cancellationToken);
        }
        return report;
    }

    public void Dispose()
    {
        if (_store.IsValueCreated)
        {
            _store.Value.Dispose();
        }
        _loadGate.Dispose();
    }

    private static AdvisoryStore OpenStore(string path, bool writable, AdvisoryStoreOptions options) =>
        writable || !File.Exists(path) ? AdvisoryStore.Open(path, options) : AdvisoryStore.OpenReadOnly(path, options);

    [LoggerMessage(Level = LogLevel.Information, Message = "Advisory snapshot {DataVersion} loaded: {Records} records, {Packages} packages in {Milliseconds:F0} ms")]
    private static partial void LogLoaded(ILogger logger, string dataVersion, int records, int packages, double milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Advisory data version {Expected} was announced; this store holds {Actual}, which is used")]
    private static partial void LogVersionMismatch(ILogger logger, string expected, string actual);
}
