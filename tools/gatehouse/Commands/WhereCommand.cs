using System.Text.Json;
using Gatehouse.Policy.Inventory;
using Gatehouse.Policy.Where;
using Gatehouse.ServiceDefaults.Store;
using Microsoft.Extensions.Options;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// <c>gatehouse where &lt;query&gt; [--redis HOST:PORT | --api URL [--token T]] [--format table|json]</c>: the images containing a
/// package (purl, name, name@range) or affected by an advisory id, and the workloads running them, read from the shared
/// store (the SBOM and advisory indexes the scanner writes, the runtime inventory policy keeps) or asked of the policy
/// service's API. Exit 1 when nothing matches.
/// </summary>
public static class WhereCommand
{
    public const string Usage = "where <purl|name[@range]|advisory-id> [--redis HOST:PORT | --api URL [--token T]] [--format table|json]   which workloads run it";

    private static readonly string[] Header = ["PACKAGE", "VERSION", "IMAGE", "NAMESPACE", "OWNER", "POD", "CONTAINER", "NODE", "SINCE"];

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        CliArgs parsed;
        try
        {
            parsed = CliArgs.Parse(args, ["--redis", "--format", "--api", "--token"], []);
        }
        catch (CliUsageException ex)
        {
            await stderr.WriteLineAsync($"gatehouse where: {ex.Message}\nusage: gatehouse {Usage}");
            return 2;
        }
        var format = parsed.Value("--format") ?? "table";
        if (parsed.Positionals is not [var text] || format is not ("table" or "json"))
        {
            await stderr.WriteLineAsync("usage: gatehouse " + Usage);
            return 2;
        }
        if (!WhereQueryText.TryParse(text, out var query, out var error))
        {
            await stderr.WriteLineAsync($"gatehouse where: {error}");
            return 2;
        }
        if (parsed.Value("--api") is { } api)
        {
            if (parsed.Value("--redis") is not null || !Uri.TryCreate(api.EndsWith('/') ? api : api + "/", UriKind.Absolute, out var apiUri)
                || apiUri.Scheme is not ("http" or "https"))
            {
                await stderr.WriteLineAsync("gatehouse where: --api takes the policy service's http(s) address (and not --redis as well)\nusage: gatehouse " + Usage);
                return 2;
            }
            var answer = await WhereApiClient.RunAsync(apiUri, parsed.Value("--token") ?? Environment.GetEnvironmentVariable("GATEHOUSE_API_TOKEN"), text, stderr, ct);
            return answer is null ? 2 : await PrintAsync(answer, format, stdout);
        }
        using var redis = await CliRedis.ConnectAsync("where", parsed.Value("--redis"), "the indexes and the inventory live", stderr);
        if (redis is null) return 2;
        return await PrintAsync(new RedisKeyValueStore(redis), query!, format, stdout);
    }

    /// <summary>Runs the query on a store and prints it (tests pass an in-process store).</summary>
    public static async Task<int> PrintAsync(IKeyValueStore store, WhereQueryText query, string format, TextWriter stdout)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(stdout);
        using var inventory = new RuntimeInventory(store);
        var result = await new WhereQuery(store, inventory, Options.Create(new InventoryOptions()), TimeProvider.System).RunAsync(query);
        return await PrintAsync(result, format, stdout);
    }

    private static async Task<int> PrintAsync(WhereResult result, string format, TextWriter stdout)
    {
        if (format == "json") await stdout.WriteLineAsync(JsonSerializer.Serialize(result, WhereJsonContext.Default.WhereResult));
        else await WriteTableAsync(result, stdout);
        return result.Images.Count == 0 ? 1 : 0;
    }

    private static async Task WriteTableAsync(WhereResult result, TextWriter stdout)
    {
        // A row is an (image, package) match: an advisory often names several binaries of one source in the same image.
        await stdout.WriteLineAsync($"{result.Query} ({result.Kind}): {result.ImageCount} image(s) " +
            $"({result.Images.Count} package match(es)), {result.RunningImages} running, {result.Workloads} workload(s)");
        if (result.Images.Count == 0) return;
        var rows = new List<string[]> { Header };
        foreach (var image in result.Images)
        {
            var shortDigest = image.Digest.Length > 19 ? image.Digest[..19] : image.Digest;
            if (image.Workloads.Count == 0) rows.Add([image.Package, image.Version, shortDigest, "-", "(not running)", "", "", "", ""]);
            foreach (var w in image.Workloads)
            {
                rows.Add([image.Package, image.Version, shortDigest, w.Namespace, $"{w.OwnerKind}/{w.OwnerName}", w.Pod, w.Container, w.Node ?? "",
                    w.Since.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) + (w.Source == WorkloadEntry.FromAdmission ? " (admitted)" : "")]);
            }
        }
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows) await stdout.WriteLineAsync(string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
        if (result.Uncomparable.Count > 0)
            await stdout.WriteLineAsync($"not comparable with the range (version unparseable): {string.Join(", ", result.Uncomparable)}");
    }
}
