using Gatehouse.Scanner.Versioning;

namespace Gatehouse.Cli.Commands;

/// <summary>The CLI's verbs, listed once.</summary>
public static class Verbs
{
    private sealed record Verb(string Name, string Usage, Func<string[], TextWriter, TextWriter, CancellationToken, Task<int>> Run);

    private static readonly Verb[] All =
    [
        new("demo", "demo                       run the whole pipeline in one process on embedded defaults", DemoCommand.RunAsync),
        new("up", "up [--rabbitmq URL] [--redis HOST:PORT] [--urls URL] [--api-token T]   run all five services in one process (dashboard at /dashboard)", UpCommand.RunAsync),
        new("versions", "versions compare --scheme <name> <a> <b> | --batch   compare versions as an ecosystem does", VersionsAsync),
        new("verify", VerifyCommand.Usage, VerifyCommand.RunAsync),
        new("policy", "policy test <policy.yaml|dir> <ref|manifest.yaml> [--profile P] [--redis HOST:PORT] [--strict]", PolicyTestCommand.RunAsync),
        new("decision", "decision <ref> [--profile P] [--redis HOST:PORT] [--mac-key BASE64]", DecisionCommand.RunAsync),
        new("verify-bundle", VerifyBundleVerb.Usage, VerifyBundleVerb.RunAsync),
        new("sbom", SbomCommand.Usage, SbomCommand.RunAsync),
        new("scan", ScanCommand.Usage, ScanCommand.RunAsync),
        new("advisories", AdvisoriesCommand.Usage, AdvisoriesCommand.RunAsync),
        new("where", WhereCommand.Usage, WhereCommand.RunAsync),
    ];

    private static async Task<int> VersionsAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (args.Length == 0 || args[0] != "compare")
        {
            await stderr.WriteLineAsync("usage: gatehouse versions compare --scheme <name> <a> <b> | --scheme <name> --batch");
            return 2;
        }
        return VersionCompareCommand.Run(args[1..], Console.In, stdout, stderr);
    }

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await PrintUsageAsync(stdout);
            return args.Length == 0 ? 2 : 0;
        }
        var verb = All.FirstOrDefault(v => v.Name == args[0]);
        if (verb is null)
        {
            await stderr.WriteLineAsync($"gatehouse: unknown command '{args[0]}'");
            await PrintUsageAsync(stderr);
            return 2;
        }
        return await verb.Run(args[1..], stdout, stderr, ct);
    }

    private static async Task PrintUsageAsync(TextWriter writer)
    {
        await writer.WriteLineAsync("usage: gatehouse <command> [options]\n\ncommands:");
        foreach (var verb in All) await writer.WriteLineAsync("  " + verb.Usage);
    }
}
