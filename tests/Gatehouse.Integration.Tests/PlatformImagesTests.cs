using System.Net;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Gatehouse.Cli.Commands;
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
/// each gets an SBOM (scanner), is promoted by a release profile, signed and attested by Gatehouse's signer, and then
/// admitted by a prod profile that trusts only the platform key (policy).
/// </summary>
[Collection(RealServicesCollection.Name)]
public sealed class PlatformImagesTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(180);
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("gatehouse-platform-images-");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public async Task Each_of_Gatehouse_own_images_is_scanned_promoted_signed_by_Gatehouse_and_then_admitted_by_prod()
    {
        var images = PlatformImage.ReadAll(TestInfra.PlatformImagesFile);
        // Two profiles of this run only (decision records are per profile and digest in the shared store): a release
        // gate that promotes what it allows — the signer then signs it and attests its SBOM and report with the
        // platform key — and a prod profile that admits only images signed with that key.
        var run = Guid.NewGuid().ToString("N")[..8];
        var (release, prod) = ($"release-{run}", $"prod-{run}");
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var keyPath = Path.Combine(_work.FullName, "platform.key");
        await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem());
        var policyFile = Path.Combine(_work.FullName, "policy.yaml");
        await File.WriteAllTextAsync(policyFile, Profiles(release, prod, $"{TestInfra.Registry}/gatehouse/**", key.ExportSubjectPublicKeyInfoPem()));
        await using var pipeline = await RealPipeline.StartAsync(new RealPipelineOptions
        {
            Signer = new Dictionary<string, string?>
            {
                ["Gatehouse:Signer:Signing:KeyPath"] = keyPath,
                ["Gatehouse:Signer:Authorities:platform-release:Key:PublicKeyPem"] = key.ExportSubjectPublicKeyInfoPem(),
            },
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
            await store.DeleteAsync(SignerStoreKeys.Promotion(image.Digest));
        }
        var registry = pipeline.Images.ForRegistry(TestInfra.Registry);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{TestInfra.WebhookPort}") };
        foreach (var image in images)
        {
            // In the registry under the recorded name and digest (the SDK's report, not a re-computation).
            var manifest = await registry.GetManifestAsync(image.Repository, image.Digest);
            Assert.Equal(image.Digest, manifest.Digest);
            // Sent as the registry sends it: the same event again while the watcher answers 503 (broker slow to confirm).
            var notification = DemoScenario.PushNotification(image.Registry, image.Repository, image.Tag, image.Digest, manifest.MediaType, manifest.Bytes.Length);
            HttpResponseMessage response;
            for (var attempt = 1; ; attempt++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/distribution") { Content = new StringContent(notification, Encoding.UTF8) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.docker.distribution.events.v1+json");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestInfra.WebhookToken);
                response = await http.SendAsync(request);
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 10) break;
                response.Dispose();
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
            using (response)
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

            // Release allows and promotes; the signer signs and attests the image in the registry; the pushed
            // signature is verified (its own notification comes back through the watcher); prod then admits it.
            var decision = await Eventually.GetAsync(async () =>
                {
                    var json = await store.GetAsync(StoreKeys.Decision(prod, image.Digest));
                    var current = json is null ? null : JsonSerializer.Deserialize(json, DecisionJsonContext.Default.DecisionRecord);
                    return current?.Status == DecisionStatus.Allow ? current : null;
                }, Patience, $"the {prod} decision of {image.Service} to allow it once Gatehouse signed it");
            Assert.Contains(decision.Reasons, r => r.Code == ReasonCodes.SignatureVerified && r.Message.Contains("platform-release", StringComparison.Ordinal));
            Assert.Contains(decision.Reasons, r => r.Code == ReasonCodes.RegistryApproved);
            Assert.Equal(DecisionStatus.Allow, (await RecordAsync(store, release, image.Digest))?.Status);
            var attestations = await Eventually.GetAsync(async () => await store.GetAsync(SignerStoreKeys.Attestations(image.Digest)) is { } json
                    && JsonDocument.Parse(json).RootElement.GetProperty("attestations").GetArrayLength() == 2 ? json : null,
                Patience, $"the SBOM and vulnerability attestations of {image.Service}");
            using (var verified = JsonDocument.Parse(attestations))
            {
                Assert.Equal(["https://cosign.sigstore.dev/attestation/vuln/v1", "https://cyclonedx.org/bom"],
                    verified.RootElement.GetProperty("attestations").EnumerateArray()
                        .Select(a => a.GetProperty("predicateType").GetString()).Order(StringComparer.Ordinal));
            }
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

    private static async Task<DecisionRecord?> RecordAsync(Gatehouse.ServiceDefaults.Store.IKeyValueStore store, string profile, string digest) =>
        await store.GetAsync(StoreKeys.Decision(profile, digest)) is { } json ? JsonSerializer.Deserialize(json, DecisionJsonContext.Default.DecisionRecord) : null;

    /// <summary>A promoting release gate and a prod profile trusting the platform key, as an operator writes them.</summary>
    private static string Profiles(string release, string prod, string registryPattern, string publicKeyPem)
    {
        var pem = string.Join("\n", publicKeyPem.Trim().Split('\n').Select(line => "                " + line.TrimEnd('\r')));
        return $$"""
            apiVersion: gatehouse.dev/v1alpha1
            kind: ImagePolicy
            metadata:
              name: {{release}}
            spec:
              profile: {{release}}
              namespaceSelector:
                matchLabels:
                  gatehouse.dev/profile: {{release}}
              registries:
                - {{registryPattern}}
              vulnerabilities:
                denySeverity: CRITICAL
                onlyFixable: true
              promote: true
            ---
            apiVersion: gatehouse.dev/v1alpha1
            kind: ImagePolicy
            metadata:
              name: {{prod}}
            spec:
              profile: {{prod}}
              namespaceSelector:
                matchLabels:
                  gatehouse.dev/profile: {{prod}}
              registries:
                - {{registryPattern}}
              requireDigest: true
              signatures:
                anyOf:
                  - name: platform-release
                    key:
                      publicKey: |
            {{pem}}
              vulnerabilities:
                denySeverity: HIGH
                onlyFixable: true
            """;
    }

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
