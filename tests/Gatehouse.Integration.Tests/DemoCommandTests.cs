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
        Assert.Contains("scanner recorded  2 layers", output, StringComparison.Ordinal);
        Assert.Contains("signer  recorded  0 signature artifacts", output, StringComparison.Ordinal);
        // One trace holds the webhook request and both consumers (other services may start traces of their own).
        var traces = output[output.IndexOf("\ntrace ", StringComparison.Ordinal)..].Split("\ntrace ");
        var push = Assert.Single(traces, t => t.Contains("POST /webhooks/{adapter}", StringComparison.Ordinal));
        Assert.Contains("gatehouse-image-inspection process", push, StringComparison.Ordinal);
        Assert.Contains("gatehouse-signature-verification process", push, StringComparison.Ordinal);
    }

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
