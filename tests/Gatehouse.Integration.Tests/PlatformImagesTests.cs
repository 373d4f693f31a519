using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Contracts;
using Gatehouse.Contracts.Decisions;
using Gatehouse.Policy.Model;
using Gatehouse.Scanner.Sbom;
using Gatehouse.Signer;
using Gatehouse.Testing;

namespace Gatehouse.Integration.Tests;

/// <summary>One of Gatehouse's own images, as scripts/build-platform-images.sh recorded it.</summary>
public sealed record PlatformImage(string Service, string Image, string Digest, string Tag)
{
    public static readonly IReadOnlyList<string> Services = ["registry-watcher", "scanner", "signer", "policy", "admission"];

    /// <summary>The registry host:port of <see cref="Image"/>.</summary>
    public string Registry => Image[..Image.IndexOf('/', StringComparison.Ordinal)];

    public string Repository => Image[(Image.IndexOf('/', StringComparison.Ordinal) + 1)..];

    /// <summary>Reads the digests file; every one of the five services must be in it exactly once.</summary>
    public static IReadOnlyList<PlatformImage> ReadAll(string file)
    {
        var images = File.ReadAllLines(file)
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split('\t'))
            .Select(f => f.Length == 4 ? new PlatformImage(f[0], f[1], f[2], f[3]) : throw new FormatException($"{file}: not 4 fields: {string.Join(' ', f)}"))
            .ToList();
        Assert.Equal(Services.Order(StringComparer.Ordinal), images.Select(i => i.Service).Order(StringComparer.Ordinal));
        Assert.All(images, i => Assert.True(ContentDigest.IsValid(i.Digest), $"{i.Service}: bad digest {i.Digest}"));
        Assert.All(images, i => Assert.EndsWith("/gatehouse/" + i.Service, i.Image, StringComparison.Ordinal));
        return images;
    }
}

/// <summary>
/// Gatehouse's own images — built by the .NET SDK on the project's own base and pushed to the local registry by
/// scripts/build-platform-images.sh in ./test.sh, before any pipeline listened — go through Gatehouse's pipeline:
/// each gets an SBOM (scanner), a signature verification (signer) and a decision under every profile (policy).
/// </summary>
[Collection(RealServicesCollection.Name)]
public sealed class PlatformImagesTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(180);
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("gatehouse-platform-images-");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public async Task Each_of_Gatehouse_own_images_gets_an_sbom_a_signature_verification_and_a_decision_from_its_pipeline()
    {
        var images = PlatformImage.ReadAll(TestInfra.PlatformImagesFile);
        // The example prod profile under a name of this run only (decision records are per profile and digest in the
        // shared store), approving the registry the images were pushed to.
        var profile = $"platform-{Guid.NewGuid():N}"[..17];
        var policyFile = Path.Combine(_work.FullName, "policy.yaml");
        await File.WriteAllTextAsync(policyFile, ProdProfileAs(profile, $"{TestInfra.Registry}/gatehouse/**"));
        await using var pipeline = await RealPipeline.StartAsync(new RealPipelineOptions
        {
            Policy = new Dictionary<string, string?>
            {
                ["Gatehouse:Policy:Source"] = "Files",
                ["Gatehouse:Policy:Files:0"] = policyFile,
                ["Gatehouse:Decisions:MacKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            },
        });
        var store = pipeline.Store;
        var sboms = new SbomIndex(store);

        // The pushes happened before this pipeline listened, and an earlier pipeline may have taken the registry's
        // redelivered notifications. Forget what any run recorded, then re-deliver each push the way the registry
        // does: a distribution notification for the manifest, sent to the registry-watcher's webhook.
        foreach (var image in images)
        {
            Assert.Equal(TestInfra.Registry, image.Registry);
            await store.DeleteAsync(StoreKeys.RecentPush(image.Registry, image.Repository, image.Digest, image.Tag));
            await store.DeleteAsync(StoreKeys.SbomRecord(image.Digest));
            await store.DeleteAsync(StoreKeys.ImageManifest(image.Digest));
            await store.DeleteAsync(StoreKeys.SignatureArtifacts(image.Digest));
            await store.DeleteAsync(SignerStoreKeys.Attestations(image.Digest));
            await store.DeleteAsync(SignerStoreKeys.VerificationFingerprint(image.Registry, image.Repository, image.Digest));
        }
        var registry = pipeline.Images.ForRegistry(TestInfra.Registry);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{TestInfra.WebhookPort}") };
        foreach (var image in images)
        {
            // In the registry under the recorded name and digest (the SDK's report, not a re-computation).
            var manifest = await registry.GetManifestAsync(image.Repository, image.Digest);
            Assert.Equal(image.Digest, manifest.Digest);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/distribution")
            {
                Content = new StringContent(Notification(image, manifest.MediaType, manifest.Bytes.Length), Encoding.UTF8),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.docker.distribution.events.v1+json");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestInfra.WebhookToken);
            using var response = await http.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, $"{image.Service}: webhook answered {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        var clock = Stopwatch.StartNew();
        foreach (var image in images)
        {
            // Scanner: an SBOM of the image, attached in the registry and indexed, with the base's Debian packages
            // and the service's own NuGet dependencies.
            var record = await Eventually.GetAsync(() => sboms.GetRecordAsync(image.Digest), Patience, $"the SBOM record of {image.Service}");
            Assert.Equal((image.Registry, image.Repository), (record.Registry, record.Repository));
            var sbom = await sboms.GetSbomAsync(image.Digest) ?? throw new InvalidOperationException($"{image.Service}: SBOM document not stored");
            var purls = sbom.Components!.Select(c => c.Purl ?? "").ToList();
            Assert.Contains(purls, p => p.StartsWith("pkg:deb/debian/libssl3@", StringComparison.Ordinal));
            Assert.Contains(purls, p => p.StartsWith("pkg:deb/debian/ca-certificates@", StringComparison.Ordinal));
            Assert.Contains(purls, p => p.StartsWith("pkg:nuget/", StringComparison.Ordinal));
            Assert.Contains(image.Digest, await sboms.ImagesWithAsync("pkg:deb/debian/libssl3"));
            var referrers = await registry.GetReferrersAsync(image.Repository, image.Digest, "application/vnd.cyclonedx+json");
            Assert.Contains(referrers, r => record.SbomRef.EndsWith(r.Digest, StringComparison.Ordinal));

            // Signer: the signature artifacts were looked for and verified (none: the images are not signed yet).
            var attestations = await Eventually.GetAsync(() => store.GetAsync(SignerStoreKeys.Attestations(image.Digest)), Patience,
                $"the signature verification of {image.Service}");
            using (var verified = JsonDocument.Parse(attestations))
            {
                Assert.Equal(image.Digest, verified.RootElement.GetProperty("digest").GetString());
                Assert.Equal(0, verified.RootElement.GetProperty("attestations").GetArrayLength());
            }
            Assert.NotNull(await store.GetAsync(StoreKeys.SignatureArtifacts(image.Digest)));

            // Policy: a decision, made with the signature facts (not "signatures unknown"): denied, because the
            // images are not signed yet; the registry is approved.
            var decision = await Eventually.GetAsync(async () =>
                {
                    var json = await store.GetAsync(StoreKeys.Decision(profile, image.Digest));
                    var current = json is null ? null : JsonSerializer.Deserialize(json, DecisionJsonContext.Default.DecisionRecord);
                    return current is not null && current.Reasons.All(r => r.Code != ReasonCodes.SignaturesUnknown) ? current : null;
                }, Patience, $"the {profile} decision of {image.Service} with its signature facts");
            Assert.Equal((image.Digest, profile), (decision.Digest, decision.Profile));
            Assert.Equal(DecisionStatus.Deny, decision.Status);
            Assert.Contains(decision.Reasons, r => r.Code == ReasonCodes.SignatureMissing);
            Assert.Contains(decision.Reasons, r => r.Code == ReasonCodes.RegistryApproved);
            Assert.DoesNotContain(decision.Reasons, r => r.Code is ReasonCodes.ManifestUnknown or ReasonCodes.AnalysisFailed);
        }
        Console.WriteLine($"platform images: SBOM, signatures and decisions for {images.Count} images within {clock.Elapsed.TotalSeconds:F0} s");
    }

    [Fact]
    public async Task The_pin_script_pins_the_prod_overlay_to_exactly_the_pushed_digests_and_nothing_else()
    {
        var images = PlatformImage.ReadAll(TestInfra.PlatformImagesFile);
        // A copy of deploy/k8s (the overlay refers to ../../base): the committed file is never modified here.
        var work = Directory.CreateTempSubdirectory("gatehouse-pin-");
        try
        {
            var deploy = Path.Combine(work.FullName, "k8s");
            CopyDirectory(Path.Combine(RepoPaths.Root, "deploy", "k8s"), deploy);
            var kustomization = Path.Combine(deploy, "overlays", "prod", "kustomization.yaml");
            var before = await File.ReadAllLinesAsync(kustomization);

            await Run("bash", Path.Combine(RepoPaths.Root, "scripts", "pin-prod-images.sh"),
                "--images", TestInfra.PlatformImagesFile, "--kustomization", kustomization);
            var pinned = await File.ReadAllLinesAsync(kustomization);
            await Run("bash", Path.Combine(RepoPaths.Root, "scripts", "pin-prod-images.sh"),
                "--images", TestInfra.PlatformImagesFile, "--kustomization", kustomization);
            Assert.Equal(pinned, await File.ReadAllLinesAsync(kustomization)); // idempotent
            await Run("bash", Path.Combine(RepoPaths.Root, "scripts", "pin-prod-images.sh"),
                "--images", TestInfra.PlatformImagesFile, "--kustomization", kustomization, "--check");

            // Only the five digest lines changed (newName already names the local registry).
            Assert.Equal(before.Length, pinned.Length);
            var changed = before.Zip(pinned).Where(p => p.First != p.Second).ToList();
            Assert.Equal(images.Select(i => "digest: " + i.Digest).Order(StringComparer.Ordinal),
                changed.Select(c => c.Second.Trim()).Order(StringComparer.Ordinal));

            // Rendered, every Gatehouse container runs exactly the pushed image by digest.
            var rendered = await Run("kubectl", "kustomize", Path.Combine(deploy, "overlays", "prod"));
            foreach (var image in images)
            {
                var pinnedRef = $"image: {image.Image}@{image.Digest}";
                Assert.Contains(pinnedRef, rendered, StringComparison.Ordinal);
            }
            var gatehouseRefs = rendered.Split('\n').Select(l => l.Trim())
                .Where(l => l.StartsWith("image: ", StringComparison.Ordinal) && l.Contains("/gatehouse/", StringComparison.Ordinal))
                .Distinct().Order(StringComparer.Ordinal).ToList();
            Assert.Equal(images.Select(i => $"image: {i.Image}@{i.Digest}").Order(StringComparer.Ordinal), gatehouseRefs);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>deploy/k8s/examples/imagepolicy-prod.yaml renamed to <paramref name="profile"/>, with one more approved registry pattern.</summary>
    private static string ProdProfileAs(string profile, string registryPattern)
    {
        var yaml = File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", "k8s", "examples", "imagepolicy-prod.yaml"));
        foreach (var (from, to) in new[]
        {
            ("\n  name: prod\n", $"\n  name: {profile}\n"),
            ("\n  profile: prod\n", $"\n  profile: {profile}\n"),
            ("\n  registries:\n", $"\n  registries:\n    - {registryPattern}\n"),
        })
        {
            Assert.Contains(from, yaml, StringComparison.Ordinal);
            yaml = yaml.Replace(from, to, StringComparison.Ordinal);
        }
        return yaml;
    }

    /// <summary>What the registry sends for a manifest push (as tools/gatehouse's demo builds it), with a fresh event id.</summary>
    private static string Notification(PlatformImage image, string mediaType, long size) => new JsonObject
    {
        ["events"] = new JsonArray(new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"),
            ["action"] = "push",
            ["target"] = new JsonObject
            {
                ["mediaType"] = mediaType,
                ["digest"] = image.Digest,
                ["size"] = size,
                ["repository"] = image.Repository,
                ["url"] = $"http://{image.Registry}/v2/{image.Repository}/manifests/{image.Digest}",
                ["tag"] = image.Tag,
            },
            ["request"] = new JsonObject { ["host"] = image.Registry, ["method"] = "PUT", ["useragent"] = "gatehouse-platform-images-test" },
        }),
    }.ToJsonString();

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.EnumerateDirectories(from)) CopyDirectory(dir, Path.Combine(to, Path.GetFileName(dir)));
    }

    private static async Task<string> Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr}");
        return stdout;
    }
}
