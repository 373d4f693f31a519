using Gatehouse.Cli.Commands;

namespace Gatehouse.Cli;

/// <summary><c>gatehouse &lt;verb&gt; ...</c>: every verb parses its own arguments; this only dispatches.</summary>
public static class CliProgram
{
    public static async Task<int> Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
        try
        {
            return await Verbs.RunAsync(args, Console.Out, Console.Error, cancel.Token);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return 130;
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync($"gatehouse: configuration error: {ex.Message}");
            return 2;
        }
        catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            // Kestrel could not listen (another `gatehouse up`, or the port is taken): say so, not a stack trace.
            await Console.Error.WriteLineAsync($"gatehouse: {ex.Message} Choose another with --urls.");
            return 1;
        }
    }
}
