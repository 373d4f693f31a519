using System.Text.Json.Nodes;

namespace Gatehouse.RegistryWatcher.Tests;

/// <summary>Notification bodies shaped like what Distribution 2.8 sends (see LOCAL-INFRA.md).</summary>
internal static class Envelopes
{
    public const string ContentType = "application/vnd.docker.distribution.events.v1+json";
    public const string Digest = "sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b";

    public static string ManifestPush(string id, string repository = "demo/debian", string? tag = "12", string digest = Digest,
        string mediaType = "application/vnd.oci.image.manifest.v1+json") =>
        Envelope(Event(id, "push", mediaType, digest, repository, tag));

    public static string BlobPush(string id) =>
        Envelope(Event(id, "push", "application/octet-stream",
            "sha256:3b3692957d439ac1928219a83fac91e7bf96c153725526874673ae1f2023f8d5", "demo/debian", null));

    public static string Envelope(params JsonObject[] events) =>
        new JsonObject { ["events"] = new JsonArray(events.Cast<JsonNode>().ToArray()) }.ToJsonString();

    public static JsonObject Event(string id, string action, string? mediaType, string digest, string repository, string? tag)
    {
        var target = new JsonObject
        {
            ["mediaType"] = mediaType,
            ["digest"] = digest,
            ["size"] = 529,
            ["length"] = 529,
            ["repository"] = repository,
            ["url"] = $"http://127.0.0.1:5000/v2/{repository}/manifests/{digest}",
        };
        if (tag is not null) target["tag"] = tag;
        return new JsonObject
        {
            ["id"] = id,
            ["timestamp"] = "2026-11-27T15:47:00.123456789Z",
            ["action"] = action,
            ["target"] = target,
            ["request"] = new JsonObject { ["id"] = "r1", ["addr"] = "127.0.0.1:50000", ["host"] = "127.0.0.1:5000", ["method"] = "PUT", ["useragent"] = "skopeo/1.9.3" },
            ["actor"] = new JsonObject(),
            ["source"] = new JsonObject { ["addr"] = "host:5000", ["instanceID"] = "a53db899-3b4b-4a62-a067-8dd013beaca4" },
        };
    }
}
