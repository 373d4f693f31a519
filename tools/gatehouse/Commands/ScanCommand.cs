using System.Text.Json;
using System.Text.Json.Serialization;
using Gatehouse.Scanner.Advisories.Matching;
using Gatehouse.Scanner.Advisories.Severity;
using Gatehouse.Scanner.Advisories.Store;
using Gatehouse.Scanner.Sbom;
using Gatehouse.Scanner.Sources;
using Gatehouse.Scanner.Vex;
using Gatehouse.Scanner.Vulnerabilities;
using Microsoft.Data.Sqlite;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// <c>gatehouse scan &lt;ref&gt; [--format table|json|sarif] [--fail-on LEVEL] [--ignore-unfixed] [--advisories SRC]
/// [--vex FILE,...] [--output FILE]</c>: SBOM, match and VEX exactly as the scanner service does, one-off. Advisories come
/// from <c>--advisories</c> (a folder, a .zip or a mirror URL, imported into a temporary store) or the local store
/// (<c>gatehouse advisories import/sync</c>). Exit 0 when no finding meets <c>--fail-on</c>, 1 when one does (so a CI
/// step fails), 2 on usage errors, 3 when the image or the advisories cannot be read.
/// </summary>
public static class ScanCommand
{
    public const string Usage =
        "scan <ref> [--format table|json|sarif] [--fail-on critical|high|medium|low] [--ignore-unfixed] [--advisories DIR|ZIP|URL] [--vex FILE,...] [--output FILE]";

    public const int ThresholdMet = 1;
    public const int UsageError = 2;
    public const int ScanError = 3;

    private static readonly string[] Formats = ["table", "json", "sarif"];

    private static readonly VulnerabilityJsonContext IndentedJson = new(new JsonSerializerOptions
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        CliArgs parsed;
        SeverityLevel? failOn = null;
        string format;
        IReadOnlyList<string> vexFiles;
        try
        {
            parsed = CliArgs.Parse(args, ["--format", "--fail-on", "--advisories", "--vex", "--output"], ["--ignore-unfixed"]);
            if (parsed.Positionals.Count != 1) throw new CliUsageException("give exactly one image reference");
            format = parsed.Value("--format") ?? "table";
            if (!Formats.Contains(format)) throw new CliUsageException($"--format must be one of {string.Join(", ", Formats)}");
            if (parsed.Value("--fail-on") is { } level)
            {
                failOn = ScanGate.TryParseLevel(level, out var parsedLevel) ? parsedLevel
                    : throw new CliUsageException("--fail-on must be critical, high, medium or low");
            }
            vexFiles = (parsed.Value("--vex") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (vexFiles.FirstOrDefault(f => !File.Exists(f) && !Directory.Exists(f)) is { } missing)
                throw new CliUsageException($"--vex: no such file or folder '{missing}'");
            if (!ImageSourceSpec.TryParse(parsed.Positionals[0], out _, out var error)) throw new CliUsageException(error);
        }
        catch (CliUsageException e)
        {
            await stderr.WriteLineAsync($"gatehouse scan: {e.Message}\nusage: gatehouse {Usage}");
            return UsageError;
        }

        var reference = parsed.Positionals[0];
        AdvisorySnapshot snapshot;
        GeneratedSbom sbom;
        try
        {
            snapshot = await LoadAdvisoriesAsync(parsed.Value("--advisories"), stderr, ct);
            sbom = await SbomCommand.GenerateAsync(reference, stderr, ct);
        }
        catch (AdvisoriesUnavailableException e)
        {
            await stderr.WriteLineAsync($"gatehouse scan: {e.Message}");
            return ScanError;
        }
        catch (Exception e) when (SbomCommand.IsSourceFailure(e) || e is SqliteException)
        {
            await stderr.WriteLineAsync($"gatehouse scan: {reference}: {e.Message}");
            return ScanError;
        }

        var vex = new VexFileSource(vexFiles).Documents();
        foreach (var problem in vex.Where(d => d.Error is not null))
        {
            await stderr.WriteLineAsync($"gatehouse scan: VEX {problem.Source}: {problem.Error}");
        }
        var report = ScanGate.Filter(VulnerabilityEvaluator.Evaluate(new EvaluationInput(
            sbom.Bom, sbom.Inventory.Image.ManifestDigest, snapshot, vex, VulnerabilityEvaluator.CliTrigger, DateTimeOffset.UtcNow, sbom.Sha256)),
            parsed.Flag("--ignore-unfixed"));

        await WriteAsync(report, format, reference, parsed.Value("--output"), stdout, ct);
        if (failOn is { } threshold && ScanGate.Failing(report, threshold) is { Count: > 0 } failing)
        {
            await stderr.WriteLineAsync($"gatehouse scan: {failing.Count} findings at or above {SarifWriter.Level(threshold)} (--fail-on)");
            return ThresholdMet;
        }
        return 0;
    }

    private static async Task WriteAsync(VulnerabilityReport report, string format, string reference, string? output, TextWriter stdout, CancellationToken ct)
    {
        if (format == "table")
        {
            await using var file = output is null ? null : new StreamWriter(output, append: false);
            await ReportTableWriter.WriteAsync(report, file ?? stdout);
            return;
        }

        using var buffer = new MemoryStream();
        if (format == "sarif")
        {
            SarifWriter.Write(report, reference, SbomGenerator.ScannerVersion, buffer);
        }
        else
        {
            JsonSerializer.Serialize(buffer, report, IndentedJson.VulnerabilityReport);
        }
        buffer.WriteByte((byte)'\n');
        if (output is not null)
        {
            await File.WriteAllBytesAsync(output, buffer.ToArray(), ct);
        }
        else
        {
            await stdout.WriteAsync(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
            await stdout.FlushAsync(ct);
        }
    }

    /// <summary>From <paramref name="location"/> through a temporary store, or from the local store.</summary>
    private static async Task<AdvisorySnapshot> LoadAdvisoriesAsync(string? location, TextWriter stderr, CancellationToken ct)
    {
        if (location is null)
        {
            var path = AdvisoriesCommand.DefaultStorePath();
            if (!File.Exists(path))
            {
                throw new AdvisoriesUnavailableException(
                    $"no advisory store at {path}: run `gatehouse advisories import <dir|zip>` or `advisories sync <url>`, or pass --advisories");
            }
            using var local = AdvisoryStore.OpenReadOnly(path);
            return local.LoadSnapshot();
        }

        var temporary = Directory.CreateTempSubdirectory("gatehouse-scan-");
        try
        {
            using var store = AdvisoryStore.Open(Path.Combine(temporary.FullName, "advisories.db"));
            ImportReport report;
            try
            {
                report = await store.ImportAsync(Directory.Exists(location) || File.Exists(location) ? Path.GetFullPath(location) : location, ct);
            }
            catch (ArgumentException e)
            {
                throw new AdvisoriesUnavailableException($"--advisories: {e.Message}");
            }
            catch (Exception e) when (e is HttpRequestException or IOException or InvalidDataException)
            {
                throw new AdvisoriesUnavailableException($"--advisories {location}: {e.Message}");
            }
            if (report.Problems.FirstOrDefault(p => p.Kind == ImportProblemKind.Source) is { } failed)
            {
                throw new AdvisoriesUnavailableException($"--advisories {location}: {failed.Message}");
            }
            await stderr.WriteLineAsync($"advisories: {report.RecordCount} records from {location} ({report.Invalid} invalid), data version {report.DataVersion}");
            return store.LoadSnapshot();
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            temporary.Delete(recursive: true);
        }
    }

    private sealed class AdvisoriesUnavailableException(string message) : Exception(message);
}
