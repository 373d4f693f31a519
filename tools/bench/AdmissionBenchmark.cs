using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.Admission;
using Gatehouse.Admission.Decisions;
using Gatehouse.Contracts;
using Gatehouse.Contracts.Decisions;
using Gatehouse.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using DecisionJsonContext = Gatehouse.Policy.Model.DecisionJsonContext;

namespace Gatehouse.Bench;

/// <summary>
/// The admission webhook under load, against a floor measured in the same run on the same Kestrel setup: the
/// same host also serves <c>POST /floor</c>, which drains the body and returns a fixed AdmissionReview. Pods of
/// 1-5 containers (tags resolved through the tag map, and pinned digests) are posted over HTTP/1.1 keep-alive
/// on 64 connections, loopback only. Phases: floor, admission with the L1 warm, admission with the L1 cold
/// (every lookup one Redis round trip). Each phase is bounded in requests and in time.
/// </summary>
public static class AdmissionBenchmark
{
    private const int Connections = 64;
    private const int Images = 120;
    private const int Bodies = 512;
    private const int WarmupRequests = 4_000;
    private const int MeasuredRequests = 40_000;
    private static readonly TimeSpan PhaseLimit = TimeSpan.FromSeconds(20);

    public static async Task<int> RunAsync(string[] args)
    {
        var redisAddress = Environment.GetEnvironmentVariable("GATEHOUSE_REDIS");
        if (string.IsNullOrWhiteSpace(redisAddress))
        {
            await Console.Error.WriteLineAsync("GATEHOUSE_REDIS is not set (host:port of a Redis the benchmark may write to), e.g. GATEHOUSE_REDIS=127.0.0.1:6379");
            return 2;
        }
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var profile = "bench-" + id;
        var macKey = RandomNumberGenerator.GetBytes(32);
        var policyFolder = Directory.CreateTempSubdirectory("gatehouse-bench-");
        await File.WriteAllTextAsync(Path.Combine(policyFolder.FullName, "bench.yaml"), PolicyYaml(profile, id));
        await using var redis = await ConnectionMultiplexer.ConnectAsync(redisAddress);
        var keys = await SeedAsync(redis.GetDatabase(), profile, new DecisionMac(macKey));
        try
        {
            await using var app = BuildHost(redisAddress, macKey, policyFolder.FullName, id);
            await app.StartAsync();
            var address = app.Urls.First();
            Console.WriteLine($"host    {address} (admission + floor), Redis {redisAddress}, profile {profile}, {Connections} connections");
            var bodies = BuildBodies();
            Console.WriteLine($"load    {Bodies} distinct Pod reviews of 1-5 containers, {bodies.Average(b => b.Length) / 1024:F1} KiB on average");

            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Connections, UseProxy = false, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
            using var client = new HttpClient(handler) { BaseAddress = new Uri(address), DefaultRequestVersion = HttpVersion.Version11 };
            await CheckAnswerAsync(client, bodies[0]);

            var l1 = app.Services.GetRequiredService<DecisionL1>();
            await RunPhaseAsync(client, "/floor", bodies, WarmupRequests);
            await RunPhaseAsync(client, "/validate", bodies, WarmupRequests);
            var floor = await RunPhaseAsync(client, "/floor", bodies, MeasuredRequests);
            Report("floor", floor);
            var warm = await RunPhaseAsync(client, "/validate", bodies, MeasuredRequests);
            Report("warm L1", warm);
            // Cold: the L1 stops trusting its entries (as after a lost subscription), so every lookup reads Redis.
            l1.SubscriptionLost();
            var cold = await RunPhaseAsync(client, "/validate", bodies, MeasuredRequests);
            l1.SubscriptionRestored();
            Report("cold L1", cold);

            var p99Warm = warm.Percentile(0.99) / floor.Percentile(0.99);
            var rpsWarm = warm.RequestsPerSecond / floor.RequestsPerSecond;
            var p99Cold = cold.Percentile(0.99) / floor.Percentile(0.99);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ratios  warm p99 {p99Warm:F2}x floor (goal <= 1.5), warm throughput {rpsWarm:F2}x floor (goal >= 0.7), cold p99 {p99Cold:F2}x floor (goal <= 3)"));
            await app.StopAsync();
            var images = Environment.GetEnvironmentVariable("GATEHOUSE_TEST_IMAGES") is { Length: > 0 } dir ? dir
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "gatehouse", "images", "v2");
            var pushToDecision = await PushToDecision.MeasureAsync(images);
            Console.WriteLine(pushToDecision is { } ms
                ? string.Create(CultureInfo.InvariantCulture, $"push    Debian 12 image push notification -> complete prod and dev decisions in {ms:F0} ms (embedded bus and store)")
                : $"push    no Debian image under {images}: run scripts/build-test-images.sh (or set GATEHOUSE_TEST_IMAGES)");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT admission p99_ratio_warm={p99Warm:F2} rps_ratio_warm={rpsWarm:F2} p99_ratio_cold={p99Cold:F2} p99_ms_warm={warm.Percentile(0.99):F3} floor_p99_ms={floor.Percentile(0.99):F3} push_to_decision_ms={pushToDecision ?? -1:F0}"));
            return warm.Failures + cold.Failures == 0 ? 0 : 1;
        }
        finally
        {
            await redis.GetDatabase().KeyDeleteAsync([.. keys]);
            policyFolder.Delete(recursive: true);
        }
    }

    private static WebApplication BuildHost(string redis, byte[] macKey, string policyFolder, string id)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gatehouse:Redis"] = redis,
            ["Gatehouse:Decisions:MacKey"] = Convert.ToBase64String(macKey),
            ["Gatehouse:Policy:Files:0"] = policyFolder,
            ["Gatehouse:Admission:WatchNamespaces"] = "false",
            ["Gatehouse:Admission:Namespaces:bench:Labels:gatehouse-bench"] = id,
        });
        builder.AddServiceDefaults("admission");
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddGatehouseBus(bus => bus.AddAdmissionConsumers());
        builder.AddAdmission();
        var app = builder.Build();
        app.MapAdmission();
        var fixedAnswer = Encoding.UTF8.GetBytes("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"floor","allowed":true}}""");
        app.MapPost("/floor", async (HttpContext http) =>
        {
            // The least a webhook does: read the whole review, answer with an AdmissionReview.
            var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
            while (await http.Request.Body.ReadAsync(buffer) > 0) { }
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            http.Response.ContentType = "application/json";
            http.Response.ContentLength = fixedAnswer.Length;
            await http.Response.Body.WriteAsync(fixedAnswer);
        });
        return app;
    }

    private static async Task<List<RedisKey>> SeedAsync(IDatabase db, string profile, DecisionMac mac)
    {
        var keys = new List<RedisKey>();
        var ttl = TimeSpan.FromHours(1);
        var versions = new DecisionVersions(profile, 1, "bench-trust", "bench-advisories");
        keys.Add(StoreKeys.DecisionVersions(profile));
        await db.StringSetAsync(keys[^1], System.Text.Json.JsonSerializer.Serialize(versions, DecisionJsonContext.Default.DecisionVersions), ttl);
        for (var i = 0; i < Images; i++)
        {
            var (repository, tag, digest) = Image(i);
            var record = mac.Sign(new DecisionRecord(digest, profile, DecisionStatus.Allow, [], 1, "bench-trust", "bench-advisories",
                DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", ""));
            keys.Add(StoreKeys.Decision(profile, digest));
            await db.StringSetAsync(keys[^1], System.Text.Json.JsonSerializer.Serialize(record, DecisionJsonContext.Default.DecisionRecord), ttl);
            keys.Add(StoreKeys.TagMap("registry.example.com", repository, tag));
            await db.StringSetAsync(keys[^1], digest, ttl);
        }
        return keys;
    }

    private static (string Repository, string Tag, string Digest) Image(int i) =>
        ($"team{i % 12}/service-{i}", $"1.{i % 7}.{i}", "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("bench-image-" + i))));

    private static string PolicyYaml(string profile, string id) => $"""
        apiVersion: gatehouse.dev/v1alpha1
        kind: ImagePolicy
        metadata:
          name: {profile}
        spec:
          profile: {profile}
          namespaceSelector:
            matchLabels:
              gatehouse-bench: "{id}"
          registries:
            - registry.example.com/**
          unknownImages: deny-and-scan
          failureMode: deny
        """;

    /// <summary>Reviews as the API server sends them for a ReplicaSet's pods: full pod specs, 1-5 containers.</summary>
    private static byte[][] BuildBodies()
    {
        var random = new Random(20261127);
        var bodies = new byte[Bodies][];
        for (var b = 0; b < Bodies; b++)
        {
            var containers = new JsonArray();
            var count = 1 + random.Next(5);
            for (var c = 0; c < count; c++)
            {
                var (repository, tag, digest) = Image(random.Next(Images));
                // Half by tag (resolved through the tag map), half pinned, as a mixed cluster has them.
                var image = random.Next(2) == 0 ? $"registry.example.com/{repository}:{tag}" : $"registry.example.com/{repository}@{digest}";
                containers.Add(Container($"c{c}", image, random));
            }
            var review = new JsonObject
            {
                ["apiVersion"] = "admission.k8s.io/v1",
                ["kind"] = "AdmissionReview",
                ["request"] = new JsonObject
                {
                    ["uid"] = Guid.NewGuid().ToString(),
                    ["kind"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["kind"] = "Pod" },
                    ["resource"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["resource"] = "pods" },
                    ["requestKind"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["kind"] = "Pod" },
                    ["requestResource"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["resource"] = "pods" },
                    ["namespace"] = "bench",
                    ["operation"] = "CREATE",
                    ["userInfo"] = new JsonObject
                    {
                        ["username"] = "system:serviceaccount:kube-system:replicaset-controller",
                        ["uid"] = "5a3b2c1d-0000-4000-8000-000000000001",
                        ["groups"] = new JsonArray("system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"),
                    },
                    ["object"] = Pod(b, containers),
                    ["oldObject"] = null,
                    ["dryRun"] = false,
                    ["options"] = new JsonObject { ["kind"] = "CreateOptions", ["apiVersion"] = "meta.k8s.io/v1" },
                },
            };
            bodies[b] = Encoding.UTF8.GetBytes(review.ToJsonString());
        }
        return bodies;
    }

    private static JsonObject Pod(int n, JsonArray containers) => new()
    {
        ["kind"] = "Pod",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject
        {
            ["generateName"] = $"web-{n % 40}-7d9f8c6b5-",
            ["namespace"] = "bench",
            ["labels"] = new JsonObject { ["app"] = $"web-{n % 40}", ["pod-template-hash"] = "7d9f8c6b5", ["team"] = $"team{n % 12}" },
            ["annotations"] = new JsonObject { ["prometheus.io/scrape"] = "true", ["prometheus.io/port"] = "9090" },
            ["ownerReferences"] = new JsonArray(new JsonObject
            {
                ["apiVersion"] = "apps/v1", ["kind"] = "ReplicaSet", ["name"] = $"web-{n % 40}-7d9f8c6b5",
                ["uid"] = "0b5e7f3a-1111-4222-8333-444455556666", ["controller"] = true, ["blockOwnerDeletion"] = true,
            }),
        },
        ["spec"] = new JsonObject
        {
            ["volumes"] = new JsonArray(new JsonObject
            {
                ["name"] = "kube-api-access",
                ["projected"] = new JsonObject { ["defaultMode"] = 420, ["sources"] = new JsonArray(new JsonObject { ["serviceAccountToken"] = new JsonObject { ["expirationSeconds"] = 3607, ["path"] = "token" } }) },
            }),
            ["containers"] = containers,
            ["restartPolicy"] = "Always",
            ["terminationGracePeriodSeconds"] = 30,
            ["dnsPolicy"] = "ClusterFirst",
            ["serviceAccountName"] = "default",
            ["securityContext"] = new JsonObject { ["runAsNonRoot"] = true, ["seccompProfile"] = new JsonObject { ["type"] = "RuntimeDefault" } },
            ["schedulerName"] = "default-scheduler",
            ["tolerations"] = new JsonArray(
                new JsonObject { ["key"] = "node.kubernetes.io/not-ready", ["operator"] = "Exists", ["effect"] = "NoExecute", ["tolerationSeconds"] = 300 },
                new JsonObject { ["key"] = "node.kubernetes.io/unreachable", ["operator"] = "Exists", ["effect"] = "NoExecute", ["tolerationSeconds"] = 300 }),
            ["priority"] = 0,
            ["enableServiceLinks"] = true,
            ["preemptionPolicy"] = "PreemptLowerPriority",
        },
        ["status"] = new JsonObject { ["phase"] = "Pending", ["qosClass"] = "Burstable" },
    };

    private static JsonObject Container(string name, string image, Random random) => new()
    {
        ["name"] = name,
        ["image"] = image,
        ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["containerPort"] = 8080 + random.Next(10), ["protocol"] = "TCP" }),
        ["env"] = new JsonArray(
            new JsonObject { ["name"] = "LOG_LEVEL", ["value"] = "info" },
            new JsonObject { ["name"] = "OTEL_EXPORTER_OTLP_ENDPOINT", ["value"] = "http://otel-collector.observability:4317" },
            new JsonObject { ["name"] = "POD_NAME", ["valueFrom"] = new JsonObject { ["fieldRef"] = new JsonObject { ["apiVersion"] = "v1", ["fieldPath"] = "metadata.name" } } }),
        ["resources"] = new JsonObject
        {
            ["limits"] = new JsonObject { ["cpu"] = "500m", ["memory"] = "256Mi" },
            ["requests"] = new JsonObject { ["cpu"] = "100m", ["memory"] = "128Mi" },
        },
        ["volumeMounts"] = new JsonArray(new JsonObject { ["name"] = "kube-api-access", ["readOnly"] = true, ["mountPath"] = "/var/run/secrets/kubernetes.io/serviceaccount" }),
        ["livenessProbe"] = new JsonObject { ["httpGet"] = new JsonObject { ["path"] = "/healthz", ["port"] = "http", ["scheme"] = "HTTP" }, ["periodSeconds"] = 10 },
        ["terminationMessagePath"] = "/dev/termination-log",
        ["terminationMessagePolicy"] = "File",
        ["imagePullPolicy"] = "IfNotPresent",
        ["securityContext"] = new JsonObject { ["allowPrivilegeEscalation"] = false, ["capabilities"] = new JsonObject { ["drop"] = new JsonArray("ALL") } },
    };

    private static async Task CheckAnswerAsync(HttpClient client, byte[] body)
    {
        using var response = await client.SendAsync(Request("/validate", body));
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode || !text.Contains("\"allowed\":true", StringComparison.Ordinal))
            throw new InvalidOperationException($"the admission service did not admit a decided pod: {(int)response.StatusCode} {text}");
    }

    private static HttpRequestMessage Request(string path, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return new HttpRequestMessage(HttpMethod.Post, path) { Content = content, Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
    }

    /// <summary>Connections workers, each sending one request at a time, until the count or the time bound is reached.</summary>
    private static async Task<PhaseResult> RunPhaseAsync(HttpClient client, string path, byte[][] bodies, int requests)
    {
        var latencies = new long[requests];
        var next = -1;
        var failures = 0;
        var deadline = Stopwatch.GetTimestamp() + (long)(PhaseLimit.TotalSeconds * Stopwatch.Frequency);
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, Connections).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests && Stopwatch.GetTimestamp() < deadline)
            {
                var start = Stopwatch.GetTimestamp();
                using var response = await client.SendAsync(Request(path, bodies[i % bodies.Length]), HttpCompletionOption.ResponseContentRead);
                var answer = await response.Content.ReadAsByteArrayAsync();
                latencies[i] = Stopwatch.GetTimestamp() - start;
                // Every pod is decided "allow": a denial here means a lookup missed its deadline.
                if (response.StatusCode != HttpStatusCode.OK || answer.AsSpan().IndexOf("\"allowed\":false"u8) >= 0) Interlocked.Increment(ref failures);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var elapsed = clock.Elapsed;
        var done = Math.Min(requests, next);
        var measured = latencies.Take(done).Where(l => l > 0).Select(l => l * 1000.0 / Stopwatch.Frequency).Order().ToArray();
        return new PhaseResult(measured, measured.Length / elapsed.TotalSeconds, failures);
    }

    private static void Report(string name, PhaseResult result) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-8} {result.LatenciesMs.Length,6} requests  p50 {result.Percentile(0.50),7:F3} ms  p99 {result.Percentile(0.99),7:F3} ms  max {result.LatenciesMs[^1],8:F3} ms  {result.RequestsPerSecond,8:F0} req/s  {result.Failures} not admitted"));

    private sealed record PhaseResult(double[] LatenciesMs, double RequestsPerSecond, int Failures)
    {
        public double Percentile(double p) => LatenciesMs[Math.Min(LatenciesMs.Length - 1, (int)Math.Ceiling(p * LatenciesMs.Length) - 1)];
    }
}
