using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Gatehouse.Cli.Commands;
using Gatehouse.Cli.Hosting;
using Gatehouse.Contracts;
using Gatehouse.Oci;
using Gatehouse.Policy.Decisions;
using Gatehouse.ServiceDefaults.Store;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Bench;

/// <summary>
/// Push → decision latency of the Debian image: all five services in one process on the embedded bus and store (as
/// <c>gatehouse demo</c>), a registry push notification in, until both profiles hold a decision that has seen the
/// SBOM, the findings and the signatures. Works on a copy of the layout: the scanner attaches its SBOM to the image.
/// </summary>
public static class PushToDecision
{
    private const string Host = "registry.bench.local";
    private const string Repository = "bench/debian";

    public static async Task<double?> MeasureAsync(string imagesDirectory)
    {
        var source = Path.Combine(imagesDirectory, "debian12");
        if (!File.Exists(Path.Combine(source, "index.json"))) return null;
        var work = Directory.CreateTempSubdirectory("gatehouse-bench-push-");
        try
        {
            var layout = Path.Combine(work.FullName, "registry");
            CopyDirectory(source, layout);
            var scenario = DemoScenario.WriteTo(work.FullName, Host);
            using (var quiet = new StringWriter())
            {
                if (await AdvisoriesCommand.RunAsync(["import", scenario.AdvisoriesFolder, "--db", scenario.AdvisoryStore], quiet, quiet, default) != 0)
                    throw new InvalidOperationException($"importing advisories failed: {quiet}");
            }
            var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            var configuration = scenario.HostConfiguration(Host, layout, token);
            configuration["Gatehouse:Admission:WarmupRounds"] = "0";
            await using var app = GatehouseHost.Build(new HostSettings { Urls = "http://127.0.0.1:0", Configuration = configuration });
            await app.StartAsync();
            var images = app.Services.GetRequiredService<IImageStoreFactory>().ForRegistry(Host);
            var image = await images.ResolveAsync(Repository, "12");
            await app.Services.GetRequiredService<Signer.Signing.PromotedImageSigner>()
                .SignAsync(images, Repository, image.ManifestDigest, $"{Host}/{Repository}", null, default);
            var store = app.Services.GetRequiredService<IKeyValueStore>();

            using var http = new HttpClient { BaseAddress = app.BoundAddress() };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/distribution")
            {
                Content = new StringContent(DemoScenario.PushNotification(Host, Repository, "12", image.ManifestDigest, image.ManifestDescriptor.MediaType, image.ManifestDescriptor.Size), Encoding.UTF8),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.docker.distribution.events.v1+json");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var clock = Stopwatch.StartNew();
            (await http.SendAsync(request)).EnsureSuccessStatusCode();
            var deadline = TimeSpan.FromMinutes(2);
            foreach (var profile in new[] { "prod", "dev" })
            {
                // Complete: the decision has seen the findings (advisory version) and the signature (trust root).
                while (DecisionRecorder.Parse(await store.GetAsync(StoreKeys.Decision(profile, image.ManifestDigest))) is not
                    { AdvisoryDataVersion.Length: > 0, Reasons: var reasons } || !reasons.Any(r => r.Code == "signature-verified") && profile == "prod")
                {
                    if (clock.Elapsed > deadline) throw new TimeoutException($"no complete {profile} decision after {deadline}");
                    await Task.Delay(5);
                }
            }
            var elapsed = clock.Elapsed.TotalMilliseconds;
            await app.StopAsync();
            return elapsed;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
