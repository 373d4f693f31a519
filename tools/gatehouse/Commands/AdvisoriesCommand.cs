using System.Globalization;
using Gatehouse.Scanner.Advisories.Store;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// <c>gatehouse advisories import &lt;dir|zip&gt;</c>, <c>advisories sync &lt;url&gt;</c>, <c>advisories status</c>: fill and
/// inspect the local advisory store that <c>gatehouse scan</c> uses when no <c>--advisories</c> is given
/// (<c>GATEHOUSE_ADVISORIES</c>, else <c>~/.cache/gatehouse/advisories.db</c>; <c>--db FILE</c> overrides both).
/// Invalid records are reported and counted, never fatal. Exit 0 on success, 1 when a source could not be read
/// (or the store does not exist, for status), 2 on usage errors.
/// </summary>
public static class AdvisoriesCommand
{
    public const string Usage = "advisories import <dir|zip> | sync <url> [--ecosystems Debian,npm,...] | status   [--db FILE]   the local advisory store";

    public const string StoreVariable = "GATEHOUSE_ADVISORIES";

    private const int ProblemsShown = 20;

    /// <summary>The local store: <c>GATEHOUSE_ADVISORIES</c>, else <c>~/.cache/gatehouse/advisories.db</c>.</summary>
    public static string DefaultStorePath() =>
        Environment.GetEnvironmentVariable(StoreVariable) is { Length: > 0 } path
            ? Path.GetFullPath(path)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "gatehouse", "advisories.db");

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        CliArgs parsed;
        try
        {
            parsed = CliArgs.Parse(args, ["--db", "--ecosystems"], []);
            var expected = parsed.Positionals.Count == 0 ? -1 : parsed.Positionals[0] switch { "import" or "sync" => 2, "status" => 1, _ => -1 };
            if (expected < 0 || parsed.Positionals.Count != expected)
                throw new CliUsageException("expected import <dir|zip>, sync <url> or status");
            if (parsed.Value("--ecosystems") is not null && parsed.Positionals[0] != "sync")
                throw new CliUsageException("--ecosystems applies to sync only");
        }
        catch (CliUsageException e)
        {
            await stderr.WriteLineAsync($"gatehouse advisories: {e.Message}\nusage: gatehouse {Usage}");
            return 2;
        }

        var db = parsed.Value("--db") is { } given ? Path.GetFullPath(given) : DefaultStorePath();
        var verb = parsed.Positionals[0];
        if (verb == "status")
        {
            return await StatusAsync(db, stdout, stderr);
        }

        var location = parsed.Positionals[1];
        var isUrl = Uri.TryCreate(location, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
        var isLocal = Directory.Exists(location) || (File.Exists(location) && location.EndsWith(".zip", StringComparison.OrdinalIgnoreCase));
        if ((verb == "import" && !isLocal) || (verb == "sync" && !isUrl))
        {
            await stderr.WriteLineAsync(verb == "import"
                ? $"gatehouse advisories import: '{location}' is not a folder or a .zip archive (use sync for URLs)"
                : $"gatehouse advisories sync: '{location}' is not an http(s) URL (use import for folders and archives)");
            return 2;
        }

        var ecosystems = (parsed.Value("--ecosystems") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        using var store = AdvisoryStore.Open(db, new AdvisoryStoreOptions { MirrorEcosystems = ecosystems });
        ImportReport report;
        try
        {
            report = await store.ImportAsync(verb == "import" ? Path.GetFullPath(location) : location, ct);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            await stderr.WriteLineAsync($"gatehouse advisories {verb}: {location}: {e.Message}");
            return 1;
        }

        await PrintReportAsync(report, db, stdout, stderr);
        return report.Problems.Any(p => p.Kind == ImportProblemKind.Source) ? 1 : 0;
    }

    private static async Task PrintReportAsync(ImportReport report, string db, TextWriter stdout, TextWriter stderr)
    {
        await stdout.WriteLineAsync($"{report.Source} {report.Location} -> {db}");
        await stdout.WriteLineAsync(
            $"  read {report.Read}: {report.Added} added, {report.Updated} updated, {report.Unchanged} unchanged, {report.Superseded} superseded, " +
            $"{report.Withdrawn} withdrawn, {report.Invalid} invalid ({report.SchemaDeviations} read despite schema deviations)");
        if (report.Fetched + report.NotModified > 0)
        {
            await stdout.WriteLineAsync($"  archives: {report.Fetched} fetched, {report.NotModified} not modified");
        }
        await stdout.WriteLineAsync($"  {report.ChangedPackages.Count} packages changed; {report.RecordCount} records in the store");
        await stdout.WriteLineAsync(report.Changed
            ? $"  data version {report.DataVersion} (was {report.PreviousDataVersion})"
            : $"  data version {report.DataVersion} (unchanged)");
        foreach (var problem in report.Problems.Take(ProblemsShown))
        {
            await stderr.WriteLineAsync($"  {Kind(problem.Kind)}: {problem.Origin}{(problem.RecordId is null ? "" : $" ({problem.RecordId})")}: {problem.Message}");
        }
        if (report.Problems.Count > ProblemsShown)
        {
            await stderr.WriteLineAsync($"  … and {report.Problems.Count - ProblemsShown} more problems");
        }
    }

    private static async Task<int> StatusAsync(string db, TextWriter stdout, TextWriter stderr)
    {
        if (!File.Exists(db))
        {
            await stderr.WriteLineAsync($"gatehouse advisories status: no store at {db}; fill it with `gatehouse advisories import <dir|zip>` or `sync <url>`");
            return 1;
        }
        using var store = AdvisoryStore.OpenReadOnly(db);
        var status = store.GetStatus();
        await stdout.WriteLineAsync($"store         {status.Path}");
        await stdout.WriteLineAsync($"data version  {status.DataVersion}");
        await stdout.WriteLineAsync($"records       {status.RecordCount} ({status.WithdrawnCount} withdrawn kept as tombstones)");
        await stdout.WriteLineAsync($"last import   {status.LastImportAt ?? "never"}");
        await stdout.WriteLineAsync("sources:");
        foreach (var (source, count) in status.RecordsBySource.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            await stdout.WriteLineAsync($"  {source,-40} {count,8} records");
        }
        foreach (var state in status.SyncStates)
        {
            await stdout.WriteLineAsync($"  {state.Url}  checked {state.CheckedAt}{(state.ETag is null ? "" : $"  etag {state.ETag}")}");
        }
        await stdout.WriteLineAsync("ecosystems:");
        foreach (var (ecosystem, count) in status.RecordsByEcosystem.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal))
        {
            await stdout.WriteLineAsync($"  {ecosystem,-40} {count.ToString(CultureInfo.InvariantCulture),8} records");
        }
        return 0;
    }

    private static string Kind(ImportProblemKind kind) => kind switch
    {
        ImportProblemKind.Unreadable => "invalid",
        ImportProblemKind.SchemaDeviation => "schema",
        ImportProblemKind.Lint => "lint",
        ImportProblemKind.Superseded => "superseded",
        _ => "source",
    };
}
