using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Gatehouse.Testing;

namespace Gatehouse.Integration.Tests;

/// <summary>
/// <c>gatehouse up</c> as a person or a service manager runs it: its own process, with no tokens given (it makes them
/// up and prints them), taking a registry notification with the printed token, and stopping cleanly on SIGTERM.
/// </summary>
public sealed partial class UpCommandTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Up_without_tokens_makes_them_up_takes_a_notification_and_stops_on_sigterm()
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "gatehouse"))
        {
            ArgumentList = { "up", "--urls", "http://127.0.0.1:0" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var name in new[] { "GATEHOUSE_WEBHOOK_TOKEN", "GATEHOUSE_API_TOKEN", "GATEHOUSE_RABBITMQ", "GATEHOUSE_REDIS" }) start.Environment.Remove(name);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        using var process = Process.Start(start)!;
        var output = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) output.Enqueue(line); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) output.Enqueue(line); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var announced = await Eventually.GetAsync(() => Task.FromResult(output.Select(l => Notifications().Match(l)).FirstOrDefault(m => m.Success)), Wait,
                "the notification address and token: " + string.Join('\n', output));
            var (url, token) = (new Uri(announced.Groups["url"].Value), announced.Groups["token"].Value);
            Assert.Contains(output, l => l.Contains("API token for this run: ", StringComparison.Ordinal));

            using var http = new HttpClient();
            Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(http, url, null)).StatusCode);
            using var accepted = await PostAsync(http, url, token);
            Assert.True(accepted.IsSuccessStatusCode, $"{(int)accepted.StatusCode}: {await accepted.Content.ReadAsStringAsync()}");

            // bash's own kill: no procps needed on the machine.
            using (var kill = Process.Start("bash", ["-c", "kill -TERM " + process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
            using var exited = new CancellationTokenSource(Wait);
            try
            {
                await process.WaitForExitAsync(exited.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"gatehouse up was still running {Wait.TotalSeconds} s after SIGTERM");
            }
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, Uri url, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent("""{"events": []}""", Encoding.UTF8, "application/vnd.docker.distribution.events.v1+json"),
        };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request);
    }

    [GeneratedRegex(@"registry notifications to (?<url>\S+) with 'Authorization: Bearer (?<token>[0-9a-f]+)'")]
    private static partial Regex Notifications();
}
