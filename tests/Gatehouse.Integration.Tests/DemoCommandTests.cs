using Gatehouse.Cli.Commands;

namespace Gatehouse.Integration.Tests;

/// <summary><c>gatehouse demo</c> must work with nothing but the .NET SDK: no broker, store or registry.</summary>
public sealed class DemoCommandTests
{
    [Fact]
    public async Task Demo_runs_the_pipeline_on_embedded_defaults_and_prints_fan_out_and_one_trace()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await DemoCommand.RunAsync([], stdout, stderr, CancellationToken.None);

        var output = stdout.ToString();
        Assert.True(exit == 0, $"demo exited {exit}: {stderr}\n{output}");
        Assert.Contains("\"published\":1", output, StringComparison.Ordinal);
        Assert.Matches(@"scanner recorded  2 layers \(linux/amd64\): sha256:[0-9a-f]{12} \d+ B, sha256:[0-9a-f]{12} \d+ B\n", output.ReplaceLineEndings("\n"));
        Assert.Contains("signer  recorded  1 signature artifacts", output, StringComparison.Ordinal);
        // The whole story: findings with fixes, a decision per profile, admission answers per namespace.
        Assert.Contains($"scanner finding   {DemoScenario.OpensslCve} CRITICAL in openssl 3.0.11-1~deb12u2, fixed in 3.0.14-1~deb12u1", output, StringComparison.Ordinal);
        Assert.Contains($"scanner finding   {DemoScenario.LodashCve} HIGH in lodash 4.17.20, fixed in 4.17.21", output, StringComparison.Ordinal);
        Assert.Contains("   prod DENY", output, StringComparison.Ordinal);
        Assert.Contains("   dev  WARN", output, StringComparison.Ordinal);
        var prod = Line(output, "   payments (prod): ");
        Assert.StartsWith("   payments (prod): DENIED", prod, StringComparison.Ordinal);
        Assert.Contains(DemoScenario.OpensslCve, prod, StringComparison.Ordinal);
        Assert.StartsWith("   sandbox (dev): ALLOWED", Line(output, "   sandbox (dev): "), StringComparison.Ordinal);
        Assert.StartsWith("   payments (prod), break-glass by sre-oncall: ALLOWED", Line(output, "   payments (prod), break-glass"), StringComparison.Ordinal);
        // What admission let in (sandbox, and payments under break-glass) is where the CVE runs; the denied pod is not.
        Assert.StartsWith($"   {DemoScenario.OpensslCve} (advisory): 1 image(s) (2 package match(es)), 1 running, 2 workload(s)",
            Line(output, $"   {DemoScenario.OpensslCve} (advisory)"), StringComparison.Ordinal);
        var rows = output.Split('\n').Where(l => l.StartsWith("   openssl ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["payments", "sandbox"], rows.Select(r => r.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3]));
        Assert.All(rows, r => Assert.EndsWith("(admitted)", r.TrimEnd(), StringComparison.Ordinal));
        // One trace holds the webhook request and both consumers (other services may start traces of their own).
        var traces = output[output.IndexOf("\ntrace ", StringComparison.Ordinal)..].Split("\ntrace ");
        var push = Assert.Single(traces, t => t.Contains("POST /webhooks/{adapter}", StringComparison.Ordinal));
        Assert.Contains("gatehouse-image-inspection process", push, StringComparison.Ordinal);
        Assert.Contains("gatehouse-signature-verification process", push, StringComparison.Ordinal);
    }

    private static string Line(string output, string prefix) =>
        output.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) ?? $"(no line starting '{prefix}' in:\n{output})";

    [Fact]
    public async Task Unknown_verbs_and_arguments_are_usage_errors()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        Assert.Equal(2, await Verbs.RunAsync(["frobnicate"], stdout, stderr, CancellationToken.None));
        Assert.Contains("unknown command 'frobnicate'", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, await DemoCommand.RunAsync(["--nope"], stdout, stderr, CancellationToken.None));
    }
}
