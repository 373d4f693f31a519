using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.Admission.BreakGlass;
using Gatehouse.Contracts;
using Gatehouse.Contracts.Decisions;
using Gatehouse.Policy.Decisions;
using Gatehouse.Policy.Model;
using Gatehouse.Scanner.Advisories.Store;
using Gatehouse.Scanner.Vulnerabilities;
using Gatehouse.Signer.Signing;
using Gatehouse.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Gatehouse.Integration.Tests;

/// <summary>
/// The whole story on real services (issue 6): the Debian image is pushed and signed with a key made for this
/// run → the scanner finds a fixable Critical CVE (an OSV record written for the image's real zlib) and the signer
/// verifies the signature → policy writes MAC'ed decisions for a prod and a dev profile to Redis → the admission
/// webhook denies a Pod using the image in a prod namespace (naming the CVE), admits it with a warning in a dev
/// namespace, admits and audits a break-glass by the on-call group, and keeps denying one by anyone else.
/// </summary>
[Collection(RealServicesCollection.Name)]
public sealed class AdmissionPipelineTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(180);
    private const string ProdNamespace = "e2e-prod";
    private const string DevNamespace = "e2e-dev";
    private const string ProfileLabel = "gatehouse.dev/profile";

    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("gatehouse-admission-e2e-");

    [Fact]
    public async Task A_signed_image_with_a_fixable_critical_cve_is_denied_in_prod_warned_in_dev_and_admitted_only_by_an_allowed_break_glass()
    {
        var run = RandomNumberGenerator.GetInt32(100_000, 1_000_000).ToString(CultureInfo.InvariantCulture);
        var cve = $"CVE-2999-{run}";

        // The image's real zlib (source zlib, binary zlib1g) with a fix one Debian revision later: Critical and fixable.
        var zlib = File.ReadAllLines(Path.Combine(TestInfra.ImagesDirectory, "debian12.dpkg-query.tsv"))
            .Select(line => line.Split('\t')).Single(f => f[0] == "zlib1g");
        var (installed, source) = (zlib[1], zlib[2]);
        var fixedIn = zlib[3] + "+deb12u1";
        var osv = Directory.CreateDirectory(Path.Combine(_work.FullName, "osv")).FullName;
        File.WriteAllText(Path.Combine(osv, "zlib.json"), VulnerabilityPipelineTests.Osv(
            $"GHT-{run}", "Debian:12", source, fixedIn, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", cve));
        var advisories = Path.Combine(_work.FullName, "advisories.db");
        string advisoryVersion;
        using (var store = AdvisoryStore.Open(advisories))
        {
            advisoryVersion = (await store.ImportAsync(osv)).DataVersion;
        }

        // A signing key for this run; the signer trusts it, and so does the prod profile.
        string publicKeyPem;
        var keyPath = Path.Combine(_work.FullName, "cosign.key");
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
            publicKeyPem = key.ExportSubjectPublicKeyInfoPem();
        }
        var policyFiles = WritePolicies(publicKeyPem);
        var macKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var shared = new Dictionary<string, string?> { ["Gatehouse:Decisions:MacKey"] = macKey };
        for (var i = 0; i < policyFiles.Length; i++) shared[$"Gatehouse:Policy:Files:{i}"] = policyFiles[i];

        await using var pipeline = await RealPipeline.StartAsync(new RealPipelineOptions
        {
            Scanner = new Dictionary<string, string?> { ["Gatehouse:Scanner:Advisories:Path"] = advisories },
            Signer = new Dictionary<string, string?>
            {
                ["Gatehouse:Signer:Signing:KeyPath"] = keyPath,
                ["Gatehouse:Signer:Authorities:e2e-release:Key:PublicKeyPem"] = publicKeyPem,
            },
            Policy = shared,
            Admission = new Dictionary<string, string?>(shared)
            {
                // The machine is slow and shared: the deadline is not what this test is about.
                ["Gatehouse:Admission:Deadline"] = "00:00:10",
                [$"Gatehouse:Admission:Namespaces:{ProdNamespace}:Labels:{ProfileLabel}"] = "prod",
                [$"Gatehouse:Admission:Namespaces:{DevNamespace}:Labels:{ProfileLabel}"] = "dev",
            },
        });
        var layout = Path.Combine(TestInfra.ImagesDirectory, "debian12");
        var digest = (await pipeline.Images.ForLayout(layout).ResolveAsync("", "12")).ManifestDigest;
        await pipeline.Store.DeleteAsync(VulnerabilityKeys.State(digest)); // this run's advisories, not a stored result
        var repository = $"e2e/admit-{Guid.NewGuid():N}"[..23];
        var image = $"{TestInfra.Registry}/{repository}@{digest}";

        // Push, then sign: the signature's own push notification makes the signer verify the image again.
        await RealPipeline.PushAsync(layout, "12", repository, "12");
        var signer = pipeline.SignerServices.GetRequiredService<PromotedImageSigner>();
        var signed = await signer.SignAsync(pipeline.Images.ForRegistry(TestInfra.Registry), repository, digest,
            $"{TestInfra.Registry}/{repository}", null, CancellationToken.None);
        Assert.Equal(digest, signed.Digest);

        // Decisions in Redis, per profile and digest, MAC'ed with the shared key. Other pushes of the same digest
        // (the registry's backlog, other repositories) may be decided too; wait for the one with this run's facts.
        var mac = new DecisionMac(Convert.FromBase64String(macKey));
        var finding = $"{cve} (Critical, fixed in {fixedIn}) in zlib1g {installed}";
        var prod = await DecisionAsync(pipeline, "prod", digest, r =>
            r.AdvisoryDataVersion == advisoryVersion && r.Reasons.Any(x => x.Code == ReasonCodes.SignatureVerified), "the prod decision with this run's findings and signature");
        Assert.True(mac.Verify(prod), "the prod record's MAC verifies with the shared key");
        Assert.Equal(DecisionStatus.Deny, prod.Status);
        var denied = Assert.Single(prod.Reasons, r => r.Message.Contains(cve, StringComparison.Ordinal));
        Assert.Equal((ReasonCodes.Vulnerability(VulnerabilitySeverity.Critical, fixable: true), finding, DecisionStatus.Deny), (denied.Code, denied.Message, denied.Effect));
        var signature = Assert.Single(prod.Reasons, r => r.Code == ReasonCodes.SignatureVerified);
        Assert.Contains("e2e-release", signature.Message, StringComparison.Ordinal);
        Assert.Equal(DecisionStatus.Allow, signature.Effect);
        Assert.Contains(prod.Reasons, r => r.Code == ReasonCodes.RegistryApproved);
        Assert.NotEqual("", prod.TrustRootVersion);

        var dev = await DecisionAsync(pipeline, "dev", digest, r => r.AdvisoryDataVersion == advisoryVersion, "the dev decision with this run's findings");
        Assert.True(mac.Verify(dev), "the dev record's MAC verifies with the shared key");
        Assert.Equal(DecisionStatus.Warn, dev.Status);
        Assert.Contains(dev.Reasons, r => r.Message == finding && r.Effect == DecisionStatus.Warn);
        Assert.Contains(dev.Reasons, r => r.Code == ReasonCodes.ModeWarn);

        using var http = new HttpClient { BaseAddress = pipeline.AdmissionAddress, Timeout = TimeSpan.FromSeconds(60) };
        // Admission reads the decision once policy's versions for the profile are published: until then the record
        // counts as unknown ("not yet analysed"). Dry runs have no side effects, so they are safe to repeat.
        await Eventually.GetAsync(async () => await ValidateAsync(http, Pod(ProdNamespace, image, "probe", dryRun: true)) is
            { Allowed: false, Message: { } m } && m.Contains(cve, StringComparison.Ordinal) ? m : null, Patience, "admission to read the prod decision");
        await Eventually.GetAsync(async () => await ValidateAsync(http, Pod(DevNamespace, image, "probe", dryRun: true)) is
            { Allowed: true } a && a.Warnings.Any(w => w.Contains(cve, StringComparison.Ordinal)) ? a : null, Patience, "admission to read the dev decision");

        // prod: denied, and the developer is told which CVE in which package, and where the fix is.
        var inProd = await ValidateAsync(http, Pod(ProdNamespace, image, "prod-1"));
        Assert.Equal(("prod-1", false, 403), (inProd.Uid, inProd.Allowed, inProd.Code));
        Assert.Contains($"profile \"prod\"", inProd.Message, StringComparison.Ordinal);
        Assert.Contains(finding, inProd.Message, StringComparison.Ordinal);

        // dev: the same Pod is admitted, with the CVE as a warning.
        var inDev = await ValidateAsync(http, Pod(DevNamespace, image, "dev-1"));
        Assert.Equal(("dev-1", true), (inDev.Uid, inDev.Allowed));
        Assert.Null(inDev.Code);
        Assert.Contains(inDev.Warnings, w => w.Contains(finding, StringComparison.Ordinal));

        // Break-glass by someone outside the allowed groups: still denied, and told why.
        var expires = DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var refusedTicket = $"INC-{run}-1";
        var refused = await ValidateAsync(http, Pod(ProdNamespace, image, "prod-2", "mallory", ["system:authenticated", "developers"],
            BreakGlass(refusedTicket, expires)));
        Assert.Equal(("prod-2", false, 403), (refused.Uid, refused.Allowed, refused.Code));
        Assert.Contains(finding, refused.Message, StringComparison.Ordinal);
        Assert.Contains("break-glass not honoured", refused.Message, StringComparison.Ordinal);
        Assert.Contains("mallory", refused.Message, StringComparison.Ordinal);

        // Break-glass by the on-call group with a ticket: admitted, with a warning and an audit annotation.
        var ticket = $"INC-{run}-2";
        var admitted = await ValidateAsync(http, Pod(ProdNamespace, image, "prod-3", "bob", ["system:authenticated", "sre-oncall"],
            BreakGlass(ticket, expires)));
        Assert.Equal(("prod-3", true), (admitted.Uid, admitted.Allowed));
        Assert.Contains(admitted.Warnings, w => w.StartsWith($"break-glass {ticket} by bob until {expires}", StringComparison.Ordinal) && w.Contains(cve, StringComparison.Ordinal));
        Assert.Equal($"ticket={ticket}; user=bob; basis=group sre-oncall; expires={expires}; reason=e2e outage {run}",
            admitted.AuditAnnotations["prod.break-glass"]);

        // Audited: an entry in the Redis audit stream, and BreakGlassUsed published on the bus.
        var redis = pipeline.AdmissionServices.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        var entry = await Eventually.GetAsync(async () =>
            (await AuditEntriesAsync(redis)).FirstOrDefault(e => e.GetValueOrDefault("ticket") == ticket), Patience, "the break-glass audit entry");
        Assert.Equal(ProdNamespace, entry["namespace"]);
        Assert.Equal("Pod/web", entry["object"]);
        Assert.Equal(digest, entry["digest"]);
        Assert.Equal(image, entry["image"]);
        Assert.Equal("bob", entry["user"]);
        Assert.Equal("prod", entry["profile"]);
        Assert.Equal($"e2e outage {run}", entry["reason"]);
        Assert.Contains(finding, entry["denial"], StringComparison.Ordinal);
        await Eventually.TrueAsync(() => pipeline.Spans.Snapshot().Any(s => s.Kind == System.Diagnostics.ActivityKind.Producer &&
            s.TagObjects.Any(t => t.Value is string v && v.Contains("BreakGlassUsed", StringComparison.Ordinal))),
            Patience, "BreakGlassUsed to be published");
        // Side effects are appended in order: the refused break-glass, queued before, would be in the stream by now.
        Assert.DoesNotContain(await AuditEntriesAsync(redis), e => e.GetValueOrDefault("ticket") == refusedTicket);
    }

    private static async Task<DecisionRecord> DecisionAsync(RealPipeline pipeline, string profile, string digest, Func<DecisionRecord, bool> wanted, string what) =>
        await Eventually.GetAsync(async () =>
            DecisionRecorder.Parse(await pipeline.Store.GetAsync(StoreKeys.Decision(profile, digest))) is { } record && wanted(record) ? record : null,
            Patience, what);

    /// <summary>The newest entries of the break-glass audit stream, as field maps.</summary>
    private static async Task<List<Dictionary<string, string>>> AuditEntriesAsync(IDatabase redis) =>
        [.. (await redis.StreamRangeAsync(RedisBreakGlassAudit.Key, "-", "+", count: 200, messageOrder: Order.Descending))
            .Select(e => e.Values.ToDictionary(v => v.Name.ToString(), v => v.Value.ToString(), StringComparer.Ordinal))];

    private static Dictionary<string, string> BreakGlass(string ticket, string expires) =>
        new() { [BreakGlassAnnotation.Name] = $"ticket={ticket}; reason=e2e outage {ticket.Split('-')[1]}; expires={expires}" };

    /// <summary>ImagePolicy files as an operator writes them (see deploy/k8s/examples): prod enforces, dev warns.</summary>
    private string[] WritePolicies(string publicKeyPem)
    {
        var key = string.Join("\n", publicKeyPem.Trim().Split('\n').Select(line => "            " + line.TrimEnd('\r')));
        var prod = Path.Combine(_work.FullName, "imagepolicy-prod.yaml");
        File.WriteAllText(prod, $$"""
            apiVersion: gatehouse.dev/v1alpha1
            kind: ImagePolicy
            metadata:
              name: prod
            spec:
              profile: prod
              namespaceSelector:
                matchLabels:
                  {{ProfileLabel}}: prod
              mode: enforce
              registries:
                - {{TestInfra.Registry}}/**
              requireDigest: true
              signatures:
                anyOf:
                  - name: e2e-release
                    key:
                      publicKey: |
            {{key}}
              vulnerabilities:
                denySeverity: HIGH
                onlyFixable: true
                maxScanAge: 7d
              unknownImages: deny-and-scan
              failureMode: deny
              breakGlass:
                allowedGroups:
                  - sre-oncall
                maxDuration: 4h
                ticketRequired: true
            """);
        var dev = Path.Combine(_work.FullName, "imagepolicy-dev.yaml");
        File.WriteAllText(dev, $$"""
            apiVersion: gatehouse.dev/v1alpha1
            kind: ImagePolicy
            metadata:
              name: dev
            spec:
              profile: dev
              namespaceSelector:
                matchLabels:
                  {{ProfileLabel}}: dev
              mode: warn
              registries:
                - {{TestInfra.Registry}}/**
              requireDigest: false
              vulnerabilities:
                denySeverity: HIGH
                onlyFixable: true
              unknownImages: allow-with-warning
              failureMode: allow
              breakGlass:
                allowedGroups:
                  - developers
                  - sre-oncall
                maxDuration: 1d
                ticketRequired: false
            """);
        return [prod, dev];
    }

    /// <summary>A Pod CREATE as the API server sends it (cf. ../shared/testdata/admission).</summary>
    private static JsonObject Pod(string ns, string image, string uid, string user = "alice", string[]? groups = null,
        Dictionary<string, string>? annotations = null, bool dryRun = false)
    {
        var metadata = new JsonObject { ["name"] = "web", ["namespace"] = ns };
        if (annotations is not null) metadata["annotations"] = new JsonObject([.. annotations.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value))]);
        return new JsonObject
        {
            ["uid"] = uid,
            ["kind"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["kind"] = "Pod" },
            ["resource"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["resource"] = "pods" },
            ["name"] = "web",
            ["namespace"] = ns,
            ["operation"] = "CREATE",
            ["userInfo"] = new JsonObject
            {
                ["username"] = user,
                ["groups"] = new JsonArray([.. (groups ?? ["system:authenticated"]).Select(g => (JsonNode?)g)]),
            },
            ["object"] = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Pod",
                ["metadata"] = metadata,
                ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = image }) },
            },
            ["dryRun"] = dryRun,
        };
    }

    private sealed record Answer(string Uid, bool Allowed, int? Code, string? Message, IReadOnlyList<string> Warnings, IReadOnlyDictionary<string, string> AuditAnnotations);

    private static async Task<Answer> ValidateAsync(HttpClient http, JsonObject request)
    {
        var review = new JsonObject { ["apiVersion"] = "admission.k8s.io/v1", ["kind"] = "AdmissionReview", ["request"] = request };
        using var response = await http.PostAsync("/validate", new StringContent(review.ToJsonString(), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"/validate answered {(int)response.StatusCode}: {text}");
        var root = JsonNode.Parse(text)!;
        Assert.Equal(("admission.k8s.io/v1", "AdmissionReview"), ((string?)root["apiVersion"], (string?)root["kind"]));
        var answer = root["response"]!;
        return new Answer(
            (string)answer["uid"]!,
            (bool)answer["allowed"]!,
            (int?)answer["status"]?["code"],
            (string?)answer["status"]?["message"],
            [.. answer["warnings"]?.AsArray().Select(w => (string)w!) ?? []],
            answer["auditAnnotations"]?.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!) ?? []);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _work.Delete(recursive: true);
    }
}
