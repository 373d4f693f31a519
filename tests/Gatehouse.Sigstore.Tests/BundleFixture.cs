using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Gatehouse.Sigstore.Tests;

/// <summary>Builds verification inputs from a passing conformance case, optionally tampered with.</summary>
public static class BundleFixture
{
    public const string Identity =
        "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";

    public const string Issuer = "https://token.actions.githubusercontent.com";

    private static readonly Dictionary<string, TrustedRoot> Roots = new(StringComparer.Ordinal);

    public static KeylessPolicy DefaultPolicy => KeylessPolicy.ForExact(Identity, Issuer);

    public static TrustedRoot RootFor(string caseName) => LoadRoot(ConformanceData.Get(caseName).TrustedRootPath);

    public static TrustedRoot LoadRoot(string path)
    {
        lock (Roots)
        {
            if (!Roots.TryGetValue(path, out var root))
            {
                root = TrustedRoot.LoadFile(path);
                Roots[path] = root;
            }

            return root;
        }
    }

    public static byte[] Artifact(string caseName) => File.ReadAllBytes(ConformanceData.Get(caseName).ArtifactPath);

    public static JsonNode BundleJson(string caseName) =>
        JsonNode.Parse(File.ReadAllBytes(ConformanceData.Get(caseName).BundlePath))!;

    public static byte[] Bytes(JsonNode bundle) => Encoding.UTF8.GetBytes(bundle.ToJsonString());

    /// <summary>Verifies a (possibly modified) bundle of <paramref name="caseName"/> with that case's trusted root.</summary>
    public static VerificationResult Verify(
        string caseName, JsonNode? bundle = null, ArtifactInput? artifact = null, VerificationPolicy? policy = null, TrustedRoot? root = null)
    {
        var bytes = bundle is null ? File.ReadAllBytes(ConformanceData.Get(caseName).BundlePath) : Bytes(bundle);
        return new SigstoreVerifier(root ?? RootFor(caseName)).Verify(
            bytes, artifact ?? ArtifactInput.FromBytes(Artifact(caseName)), policy ?? DefaultPolicy);
    }

    public static string Sha256Hex(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>Decodes the first tlog entry's body, applies <paramref name="edit"/> and stores it back.</summary>
    public static void EditEntryBody(JsonNode bundle, Action<JsonNode> edit)
    {
        var entry = bundle["verificationMaterial"]!["tlogEntries"]![0]!;
        var body = JsonNode.Parse(Convert.FromBase64String(entry["canonicalizedBody"]!.GetValue<string>()))!;
        edit(body);
        entry["canonicalizedBody"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(body.ToJsonString()));
    }
}
