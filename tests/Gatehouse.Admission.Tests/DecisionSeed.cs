using System.Text.Json;
using Gatehouse.Contracts;
using Gatehouse.Contracts.Decisions;
using Gatehouse.Policy.Model;
using Gatehouse.Testing;

namespace Gatehouse.Admission.Tests;

/// <summary>Decision records, versions and tag-map entries as policy and the registry-watcher write them.</summary>
public static class DecisionSeed
{
    public const string TrustRoot = "trust-2026-11";
    public const string Advisories = "adv-2026-11-27";
    public const long Generation = 7;

    /// <summary>A W3C traceparent of the (pretend) trace that produced a decision.</summary>
    public const string OriginTrace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    public const string Signed = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    public const string Unsigned = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
    public const string NginxLatest = "sha256:3333333333333333333333333333333333333333333333333333333333333333";
    public const string NginxPinned = "sha256:89102e348749bb17a6a651a4b2a17420e1a66d2a44a675b981973d49a5af3a5e";
    public const string Debian = "sha256:4444444444444444444444444444444444444444444444444444444444444444";

    public static readonly DecisionReason OpensslCve = new("vuln-high-fixable",
        "CVE-2023-5678 (High, fixed in 3.0.13-1~deb12u1) in openssl 3.0.11-1~deb12u1", DecisionStatus.Deny);

    public static readonly DecisionReason NoSignature = new("signature-missing",
        "no signature by an accepted identity (keyless: https://github.com/kubewarden/* via https://token.actions.githubusercontent.com)", DecisionStatus.Deny);

    public static readonly DecisionReason ZlibMedium = new("vuln-medium",
        "CVE-2024-0001 (Medium, no fix yet) in zlib 1:1.2.13.dfsg-1", DecisionStatus.Warn);

    public static DecisionVersions Versions(string profile) => new(profile, Generation, TrustRoot, Advisories);

    public static DecisionRecord Record(string profile, string digest, string status, params DecisionReason[] reasons) =>
        AdmissionFactory.Mac.Sign(new DecisionRecord(digest, profile, status, reasons, Generation, TrustRoot, Advisories,
            ManualClock.Start.AddHours(-1), ManualClock.Start.AddDays(1), OriginTrace, ""));

    public static string Json(DecisionRecord record) => JsonSerializer.Serialize(record, DecisionJsonContext.Default.DecisionRecord);

    public static string Json(DecisionVersions versions) => JsonSerializer.Serialize(versions, DecisionJsonContext.Default.DecisionVersions);

    /// <summary>Key/value pairs: versions of every profile, tags and decisions behind the shared fixtures.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Fixtures(params string[] profiles)
    {
        foreach (var profile in profiles)
        {
            yield return new(StoreKeys.DecisionVersions(profile), Json(Versions(profile)));
            yield return new(StoreKeys.Decision(profile, Signed), Json(Record(profile, Signed, DecisionStatus.Allow)));
            yield return new(StoreKeys.Decision(profile, Unsigned), Json(Record(profile, Unsigned, DecisionStatus.Deny, NoSignature, OpensslCve)));
            yield return new(StoreKeys.Decision(profile, NginxPinned), Json(Record(profile, NginxPinned, DecisionStatus.Warn, ZlibMedium)));
        }
        yield return new(StoreKeys.TagMap("ghcr.io", "kubewarden/test-verify-image-signatures", "signed"), Signed);
        yield return new(StoreKeys.TagMap("ghcr.io", "kubewarden/test-verify-image-signatures", "unsigned"), Unsigned);
        yield return new(StoreKeys.TagMap("docker.io", "library/nginx", "latest"), NginxLatest);
    }

    public static async Task SeedAsync(this AdmissionFactory factory, params string[] profiles)
    {
        foreach (var (key, value) in Fixtures(profiles.Length == 0 ? ["prod", "dev", "staging", "legacy", "pinned"] : profiles))
            await factory.Store.SetAsync(key, value);
    }
}
