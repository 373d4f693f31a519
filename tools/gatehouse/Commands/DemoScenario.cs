using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// What the demo feeds the pipeline besides the image: two advisories for packages really in it (one with a fix),
/// a release signing key, prod and dev profiles, and the AdmissionReviews a Kubernetes API server would send.
/// </summary>
public sealed class DemoScenario
{
    public const string ProdNamespace = "payments";
    public const string DevNamespace = "sandbox";
    public const string OpensslCve = "CVE-2024-5535";
    public const string LodashCve = "CVE-2021-23337";

    private DemoScenario(string work, string registryHost)
    {
        AdvisoriesFolder = Directory.CreateDirectory(Path.Combine(work, "advisories")).FullName;
        AdvisoryStore = Path.Combine(work, "advisories.db");
        var policies = Directory.CreateDirectory(Path.Combine(work, "policies")).FullName;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        KeyPath = Path.Combine(work, "release.key");
        File.WriteAllText(KeyPath, key.ExportPkcs8PrivateKeyPem());
        PublicKeyPem = key.ExportSubjectPublicKeyInfoPem();
        PolicyFiles = [Path.Combine(policies, "prod.yaml"), Path.Combine(policies, "dev.yaml")];
        File.WriteAllText(PolicyFiles[0], ProdPolicy(registryHost, PublicKeyPem));
        File.WriteAllText(PolicyFiles[1], DevPolicy);
        File.WriteAllText(Path.Combine(AdvisoriesFolder, "DEBIAN-CVE-2024-5535.json"), Osv("DEBIAN-CVE-2024-5535", OpensslCve, "Debian:12", "openssl",
            "3.0.14-1~deb12u1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:H", "openssl: SSL_select_next_proto buffer overread"));
        File.WriteAllText(Path.Combine(AdvisoriesFolder, "GHSA-35jh-r3h4-6jhm.json"), Osv("GHSA-35jh-r3h4-6jhm", LodashCve, "npm", "lodash",
            "4.17.21", "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", "Command injection in lodash template"));
    }

    public string AdvisoriesFolder { get; }

    public string AdvisoryStore { get; }

    public string KeyPath { get; }

    public string PublicKeyPem { get; }

    public IReadOnlyList<string> PolicyFiles { get; }

    public static DemoScenario WriteTo(string work, string registryHost) => new(work, registryHost);

    /// <summary>The all-in-one host's settings for this scenario: the layout served as the registry, the advisory
    /// store, the signing key and its authority, the profiles, and namespaces labelled for each profile.</summary>
    public Dictionary<string, string?> HostConfiguration(string registryHost, string layout, string webhookToken) => new()
    {
        ["Gatehouse:RegistryWatcher:BearerToken"] = webhookToken,
        // The in-memory bus's first publish also starts its consumers; a loaded machine must not turn that into a 503.
        ["Gatehouse:RegistryWatcher:PublishTimeout"] = "00:00:30",
        ["Gatehouse:Decisions:MacKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        // The scenario's process serves the API only to itself; a fresh token keeps it closed all the same.
        ["Gatehouse:Api:Tokens:0"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)),
        ["Gatehouse:Registries:scenario:Host"] = registryHost,
        ["Gatehouse:Registries:scenario:Layout"] = layout,
        ["Gatehouse:Scanner:Advisories:Path"] = AdvisoryStore,
        ["Gatehouse:Signer:Signing:KeyPath"] = KeyPath,
        ["Gatehouse:Signer:Authorities:demo-release:Key:PublicKeyPem"] = PublicKeyPem,
        ["Gatehouse:Policy:Files:0"] = PolicyFiles[0],
        ["Gatehouse:Policy:Files:1"] = PolicyFiles[1],
        [$"Gatehouse:Admission:Namespaces:{ProdNamespace}:Labels:gatehouse.dev/profile"] = "prod",
        [$"Gatehouse:Admission:Namespaces:{DevNamespace}:Labels:gatehouse.dev/profile"] = "dev",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    /// <summary>The notification Docker Distribution sends for a manifest push (one event).</summary>
    public static string PushNotification(string registryHost, string repository, string tag, string digest, string mediaType, long size) => new JsonObject
    {
        ["events"] = new JsonArray(new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"),
            ["action"] = "push",
            ["target"] = new JsonObject
            {
                ["mediaType"] = mediaType,
                ["digest"] = digest,
                ["size"] = size,
                ["repository"] = repository,
                ["url"] = $"http://{registryHost}/v2/{repository}/manifests/{digest}",
                ["tag"] = tag,
            },
            ["request"] = new JsonObject { ["host"] = registryHost, ["method"] = "PUT", ["useragent"] = "gatehouse-demo" },
        }),
    }.ToJsonString();

    /// <summary>A Pod CREATE as the API server sends it to a validating webhook.</summary>
    public static string PodReview(string ns, string image, string user, string[] groups, string? breakGlass = null)
    {
        var metadata = new JsonObject { ["name"] = "web", ["namespace"] = ns };
        if (breakGlass is not null) metadata["annotations"] = new JsonObject { ["gatehouse.dev/break-glass"] = breakGlass };
        return new JsonObject
        {
            ["apiVersion"] = "admission.k8s.io/v1",
            ["kind"] = "AdmissionReview",
            ["request"] = new JsonObject
            {
                ["uid"] = Guid.NewGuid().ToString(),
                ["kind"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["kind"] = "Pod" },
                ["resource"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["resource"] = "pods" },
                ["name"] = "web",
                ["namespace"] = ns,
                ["operation"] = "CREATE",
                ["userInfo"] = new JsonObject { ["username"] = user, ["groups"] = new JsonArray([.. groups.Select(g => (JsonNode?)g)]) },
                ["object"] = new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "Pod",
                    ["metadata"] = metadata,
                    ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "web", ["image"] = image }) },
                },
                ["dryRun"] = false,
            },
        }.ToJsonString();
    }

    public static string BreakGlassAnnotation(DateTimeOffset now) =>
        $"ticket=INC-4711; reason=hotfix for the payment outage; expires={now.AddHours(2).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}";

    private static string Osv(string id, string alias, string ecosystem, string package, string fixedIn, string cvss, string summary) => new JsonObject
    {
        ["schema_version"] = "1.6.0",
        ["id"] = id,
        ["aliases"] = new JsonArray(JsonValue.Create(alias)),
        ["modified"] = "2024-07-01T00:00:00Z",
        ["summary"] = summary,
        ["severity"] = new JsonArray(new JsonObject { ["type"] = "CVSS_V3", ["score"] = cvss }),
        ["affected"] = new JsonArray(new JsonObject
        {
            ["package"] = new JsonObject { ["ecosystem"] = ecosystem, ["name"] = package },
            ["ranges"] = new JsonArray(new JsonObject
            {
                ["type"] = "ECOSYSTEM",
                ["events"] = new JsonArray(new JsonObject { ["introduced"] = "0" }, new JsonObject { ["fixed"] = fixedIn }),
            }),
        }),
    }.ToJsonString();

    private static string ProdPolicy(string registryHost, string publicKeyPem) => $$"""
        apiVersion: gatehouse.dev/v1alpha1
        kind: ImagePolicy
        metadata:
          name: prod
        spec:
          profile: prod
          namespaceSelector:
            matchLabels:
              gatehouse.dev/profile: prod
          mode: enforce
          registries:
            - {{registryHost}}/**
          requireDigest: true
          signatures:
            anyOf:
              - name: demo-release-key
                key:
                  publicKey: |
        {{string.Join('\n', publicKeyPem.ReplaceLineEndings("\n").TrimEnd().Split('\n').Select(l => "                " + l))}}
          vulnerabilities:
            denySeverity: HIGH
            onlyFixable: true
          unknownImages: deny-and-scan
          failureMode: deny
          breakGlass:
            allowedGroups:
              - sre-oncall
            maxDuration: 4h
            ticketRequired: true
        """;

    private const string DevPolicy = """
        apiVersion: gatehouse.dev/v1alpha1
        kind: ImagePolicy
        metadata:
          name: dev
        spec:
          profile: dev
          namespaceSelector:
            matchExpressions:
              - key: gatehouse.dev/profile
                operator: NotIn
                values: [prod]
          mode: warn
          requireDigest: false
          vulnerabilities:
            denySeverity: HIGH
          unknownImages: allow-with-warning
          failureMode: allow
        """;
}
